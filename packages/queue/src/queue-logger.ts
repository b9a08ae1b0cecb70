/** A pino-compatible logger; the queue logs job names, IDs, attempts and error codes only. */
export interface TQueueLogger {
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/**
 * The logger used when none is given: one JSON line per event on stderr, so a
 * failed job is never silent. Services pass their pino logger instead.
 */
export function createConsoleQueueLogger(): TQueueLogger {
  const write = (level: string) => (fields: object, message?: string) => {
    process.stderr.write(`${JSON.stringify({ level, msg: message, ...fields })}\n`);
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/** A logger that drops everything (tests that assert on behaviour, not on logs). */
export const silentQueueLogger: TQueueLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
