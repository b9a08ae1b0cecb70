import { z } from 'zod';
import { SFTP_ENDPOINT_FIELDS } from './sftp-endpoint.ts';

/** Where a member's files wait on its own SFTP/MFT server, and how often to fetch them. */
export const ZPullSourceInput = z
  .object({
    ...SFTP_ENDPOINT_FIELDS,
    /** Optional schedule; null means pulled on demand only. */
    intervalMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .nullable()
      .default(null),
    enabled: z.boolean().default(true),
  })
  .strict();
export type TPullSourceInput = z.input<typeof ZPullSourceInput>;
export type TPullSourceFields = z.output<typeof ZPullSourceInput>;

/** What one pull did: files fetched, files fetched before (skipped), entries that are not member files. */
export const ZPullResult = z.object({
  fetched: z.number().int().min(0),
  skipped: z.number().int().min(0),
  ignored: z.number().int().min(0),
  /** Drops registered by this pull, in the order fetched. */
  fileDropIds: z.array(z.string()),
});
export type TPullResult = z.infer<typeof ZPullResult>;

/**
 * Timers drift by a few milliseconds per tick: a source pulled every minute must not
 * slip to every two minutes because its last run was stamped a hair after the tick.
 */
export const PULL_SCHEDULE_SLACK_MS = 30_000;

/**
 * True when a scheduled source should be pulled at `now`: it is enabled, has a
 * schedule, and its last run (if any) is at least `intervalMinutes` ago, less a
 * little slack for timer jitter. `listDuePullSources` mirrors this rule in SQL.
 *
 * @example
 * isPullSourceDue({ enabled: true, intervalMinutes: 60, lastRunAt: null }, new Date()) // true
 */
export function isPullSourceDue(
  source: { enabled: boolean; intervalMinutes: number | null; lastRunAt: Date | null },
  now: Date,
): boolean {
  if (!source.enabled || source.intervalMinutes === null) return false;
  if (source.lastRunAt === null) return true;
  const dueAt =
    source.lastRunAt.getTime() + source.intervalMinutes * 60_000 - PULL_SCHEDULE_SLACK_MS;
  return now.getTime() >= dueAt;
}
