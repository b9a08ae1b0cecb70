import type { TDropReport } from './drop-report.ts';
import { toMemberDropErrorCode } from './member-drop-error.ts';

/**
 * The report of a drop the platform gives up on (`isAbandonedDrop`): not processed, the
 * file not at fault (`rejection: null`), with its attempts and the member-facing code of
 * its last failure.
 *
 * @example
 * toAbandonedDropReport(drop, now).abandonment // { reason: 'platform_failures', attempts: 14, lastErrorCode: 'platform_error' }
 */
export function toAbandonedDropReport(
  drop: {
    id: string;
    fileName: string;
    sha256: string;
    sizeBytes: number;
    receivedAt: Date;
    attempts: number;
    lastErrorCode: string | null;
  },
  now: Date,
): TDropReport {
  return {
    fileDropId: drop.id,
    fileName: drop.fileName,
    status: 'abandoned',
    sha256: drop.sha256,
    sizeBytes: drop.sizeBytes,
    receivedAt: drop.receivedAt.toISOString(),
    finishedAt: now.toISOString(),
    signerFingerprint: null,
    kind: null,
    rows: null,
    rejection: null,
    rowErrors: [],
    duplicateOf: null,
    pool: null,
    abandonment: {
      reason: 'platform_failures',
      attempts: drop.attempts,
      lastErrorCode: toMemberDropErrorCode({
        status: 'abandoned',
        lastErrorCode: drop.lastErrorCode,
      }),
    },
  };
}
