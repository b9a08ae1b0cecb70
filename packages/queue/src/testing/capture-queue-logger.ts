import type { TQueueLogger } from '../queue-logger.ts';

export interface TCapturedLog {
  level: 'info' | 'warn' | 'error';
  message: string | undefined;
  fields: Record<string, unknown>;
}

/** A logger that keeps every entry, for tests that assert what is (and is not) logged. */
export function captureQueueLogger(): TQueueLogger & { entries: TCapturedLog[] } {
  const entries: TCapturedLog[] = [];
  const record = (level: TCapturedLog['level']) => (fields: object, message?: string) => {
    entries.push({ level, message, fields: { ...fields } as Record<string, unknown> });
  };
  return { entries, info: record('info'), warn: record('warn'), error: record('error') };
}
