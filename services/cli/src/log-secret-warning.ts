/** Something about a secret file an operator should know: which file and what happened, never its content. */
export interface TSecretWarning {
  /** The file's name in the secrets directory (or `secrets` for the directory itself). */
  file: string;
  message: string;
  /** The permissions found, as octal (`0644`), when they were the problem. */
  mode?: string;
}

/** Where secret warnings go: the process's logger, or stderr by default. */
export type TSecretWarn = (warning: TSecretWarning) => void;

/**
 * Writes a secret warning as one JSON line on stderr, for commands that have no logger.
 *
 * @example
 * logSecretWarning({ file: 'pool.key', message: 'permissions were tightened', mode: '0644' });
 */
export function logSecretWarning({ message, ...fields }: TSecretWarning): void {
  // The shape of the other warn lines on stderr (and of pino's): `msg`, then the fields.
  process.stderr.write(`${JSON.stringify({ level: 'warn', msg: message, ...fields })}\n`);
}

/**
 * The permissions of a file or directory as octal text, for a warning.
 *
 * @example
 * formatMode(0o100644) // '0644'
 */
export function formatMode(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}
