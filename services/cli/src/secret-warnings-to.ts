import type { Logger } from 'pino';
import type { TSecretWarn } from './log-secret-warning.ts';

/**
 * Sends secret warnings to a process's logger, with its other start-up lines.
 *
 * @example
 * await openPlatform(config, { kind: 'serve', warn: secretWarningsTo(logger) });
 */
export function secretWarningsTo(logger: Logger): TSecretWarn {
  return ({ message, ...fields }) => logger.warn(fields, message);
}
