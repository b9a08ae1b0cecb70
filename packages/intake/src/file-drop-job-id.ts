import type { TFileDrop } from '@alliage/control';

/**
 * The queue key of a drop's intake job: its ID, and for a drop an operator retried its ID
 * and the retry's time, so that the retry is not taken for the job the queue remembers
 * from the attempts before the platform gave up on it.
 *
 * @example
 * await queue.enqueue('intake.process-file', { fileDropId: drop.id }, { jobId: fileDropJobId(drop) });
 */
export function fileDropJobId(drop: Pick<TFileDrop, 'id' | 'retriedAt'>): string {
  return drop.retriedAt ? `${drop.id}.retry-${drop.retriedAt.getTime()}` : drop.id;
}
