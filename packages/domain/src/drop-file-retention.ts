import { isFinishedDropStatus, type TDropStatus } from './drop-report.ts';

/** Days a processed drop's encrypted file is kept by default (for support on a rejected file). */
export const DEFAULT_DROP_FILE_RETENTION_DAYS = 7;
/** The longest a processed drop's encrypted file may be kept, in days. */
export const MAX_DROP_FILE_RETENTION_DAYS = 90;
/**
 * Suffix of the copy a move across file systems writes beside a drop's file in the store
 * (`<drop id>.partial`, claimDropFile); it belongs to that drop and goes with its file.
 */
export const DROP_FILE_COPY_SUFFIX = '.partial';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Whether a drop's encrypted file may be deleted: its drop is finished (accepted,
 * rejected, a duplicate or abandoned) and finished at least `retentionDays` ago. A drop still
 * `received` or `processing` keeps its file whatever its age: a retry reads it.
 * The file holds every record the member sent, so it must not outlive the pool's
 * own rules (36 months, erasure, offboarding) by more than that short delay.
 *
 * @example
 * isDropFileDisposable({ status: 'accepted', finishedAt: new Date('2026-11-01'), receivedAt },
 *   { now: new Date('2026-11-23'), retentionDays: 7 }) // true
 */
export function isDropFileDisposable(
  drop: { status: TDropStatus; finishedAt: Date | null; receivedAt: Date },
  options: { now: Date; retentionDays: number },
): boolean {
  // Nothing reads a finished drop's file again (no retry, no reprocessing).
  if (!isFinishedDropStatus(drop.status)) return false;
  const finishedAt = drop.finishedAt ?? drop.receivedAt;
  return options.now.getTime() - finishedAt.getTime() >= options.retentionDays * DAY_MS;
}
