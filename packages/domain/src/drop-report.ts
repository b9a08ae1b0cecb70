import { z } from 'zod';
import { ZMemberDropErrorCode } from './member-drop-error.ts';
import { ZDropFileKind } from './member-file.ts';

/**
 * A drop's status. `abandoned`: the platform gave up on it after failing to process it
 * for `ABANDONED_DROP_DAYS` (`isAbandonedDrop`); the file was not loaded and is not at
 * fault (that is `rejected`).
 */
export const ZDropStatus = z.enum([
  'received',
  'processing',
  'accepted',
  'rejected',
  'duplicate',
  'abandoned',
]);
export type TDropStatus = z.infer<typeof ZDropStatus>;

/** The statuses of a finished drop: its outcome is recorded and no job works on it again. */
export const ZFinishedDropStatus = ZDropStatus.exclude(['received', 'processing']);

/**
 * Whether a drop with this status is finished (accepted, rejected, a duplicate or abandoned).
 *
 * @example
 * isFinishedDropStatus('processing') // false
 */
export function isFinishedDropStatus(status: TDropStatus): boolean {
  return ZFinishedDropStatus.safeParse(status).success;
}

/** Why a whole drop was rejected: stable codes members can act on. */
export const ZDropRejectionReason = z.enum([
  'bad_file_name',
  'unsigned',
  'bad_signature',
  'unknown_signer',
  'wrong_recipient',
  'integrity',
  'too_large',
  'not_encrypted',
  'malformed',
  'bad_header',
  'too_many_bad_rows',
  'no_signing_key',
  /** The platform no longer holds the drop's encrypted file, or holds other bytes than it received. */
  'file_unavailable',
  /** The member is no longer active (offboarded or suspended) when its drop is processed: nothing is loaded. */
  'member_inactive',
]);
export type TDropRejectionReason = z.infer<typeof ZDropRejectionReason>;

/**
 * Why the platform gave up on a drop it could not process (status `abandoned`): how many
 * times it tried, and the member-facing code of its last failure (`toMemberDropErrorCode`).
 */
export const ZDropAbandonment = z.object({
  reason: z.literal('platform_failures'),
  attempts: z.number().int().min(0),
  lastErrorCode: ZMemberDropErrorCode.nullable(),
});
export type TDropAbandonment = z.infer<typeof ZDropAbandonment>;

/** One rejected row: where and why, never the row's content. */
export const ZRowError = z.object({
  line: z.number().int().min(1),
  column: z.string().nullable(),
  reason: z.string(),
});
export type TRowError = z.infer<typeof ZRowError>;

/** What an accepted file changed in the pool, in counts. */
export const ZDropPoolCounts = z.object({
  /** Records (customers) or transactions added. */
  inserted: z.number().int().min(0),
  updated: z.number().int().min(0),
  /** Customers a full base no longer lists, removed with their transactions. */
  removed: z.number().int().min(0),
  /** Rows not loaded because already past the member's retention. */
  expiredAtIntake: z.number().int().min(0),
  /** Distinct customer_ids of a transactions file with no customer in the pool yet. */
  unknownCustomers: z.number().int().min(0),
  /** New customers with no transaction yet, collected before the retention cutoff: held awaiting the transactions file. */
  held: z.number().int().min(0).default(0),
  /** Held customers this transactions file brought into the pool. */
  releasedFromHold: z.number().int().min(0).default(0),
  /** Rows of customers erased on a rights request (suppressed): dropped, never loaded again. */
  suppressed: z.number().int().min(0).default(0),
});
export type TDropPoolCounts = z.infer<typeof ZDropPoolCounts>;

/** What an accepted opt-out list added to the repoussoir, in counts. */
export const ZDropRepoussoirCounts = z.object({
  /** Entries created now. */
  added: z.number().int().min(0),
  /** Valid lines whose entry was already in force (or repeated in the file). */
  alreadyPresent: z.number().int().min(0),
});
export type TDropRepoussoirCounts = z.infer<typeof ZDropRepoussoirCounts>;

/** The report written to the member's `reports/<file>.report.json` for every drop. */
export const ZDropReport = z.object({
  fileDropId: z.uuid(),
  fileName: z.string(),
  status: ZFinishedDropStatus,
  sha256: z.string(),
  sizeBytes: z.number().int().min(0),
  receivedAt: z.string(),
  finishedAt: z.string(),
  signerFingerprint: z.string().nullable(),
  kind: ZDropFileKind.nullable(),
  rows: z
    .object({ total: z.number().int(), accepted: z.number().int(), rejected: z.number().int() })
    .nullable(),
  rejection: z.object({ reason: ZDropRejectionReason, detail: z.string() }).nullable(),
  rowErrors: z.array(ZRowError),
  duplicateOf: z.uuid().nullable(),
  /** Set on accepted files: what the load changed in the pool. */
  pool: ZDropPoolCounts.nullable().default(null),
  /** Set on accepted `optouts` files: what they added to the repoussoir. */
  repoussoir: ZDropRepoussoirCounts.nullish(),
  /** Set on abandoned drops: the platform failed to process the file and stopped trying. */
  abandonment: ZDropAbandonment.nullish(),
});
export type TDropReport = z.infer<typeof ZDropReport>;

/** The short text version of a report (`reports/<file>.report.txt`). */
export function formatDropReportText(report: TDropReport): string {
  const lines = [
    `file      ${report.fileName}`,
    `status    ${report.status.toUpperCase()}`,
    `sha256    ${report.sha256}`,
    `received  ${report.receivedAt}`,
    `finished  ${report.finishedAt}`,
    `signer    ${report.signerFingerprint ?? '-'}`,
  ];
  if (report.rows) {
    lines.push(
      `rows      ${report.rows.total} (${report.rows.accepted} accepted, ${report.rows.rejected} rejected)`,
    );
  }
  if (report.rejection)
    lines.push(`reason    ${report.rejection.reason}: ${report.rejection.detail}`);
  if (report.abandonment) {
    lines.push(
      `reason    not processed: the platform failed to load this file ${report.abandonment.attempts} times ` +
        `(${report.abandonment.lastErrorCode ?? 'platform_error'}); the file is not at fault, send it again`,
    );
  }
  if (report.pool) {
    const pool = report.pool;
    lines.push(
      `pool      ${pool.inserted} added, ${pool.updated} updated, ${pool.removed} removed, ` +
        `${pool.expiredAtIntake} past retention (not loaded), ${pool.unknownCustomers} unknown customers, ` +
        `${pool.held} held awaiting transactions, ${pool.releasedFromHold} released from hold` +
        (pool.suppressed > 0 ? `, ${pool.suppressed} erased on request (not loaded)` : ''),
    );
  }
  if (report.repoussoir) {
    lines.push(
      `optouts   ${report.repoussoir.added} new entries, ${report.repoussoir.alreadyPresent} already present`,
    );
  }
  if (report.duplicateOf)
    lines.push(`duplicate of drop ${report.duplicateOf} (same SHA-256, already accepted)`);
  for (const error of report.rowErrors.slice(0, 50)) {
    lines.push(
      `  line ${error.line}${error.column ? `, column ${error.column}` : ''}: ${error.reason}`,
    );
  }
  if (report.rowErrors.length > 50)
    lines.push(`  … ${report.rowErrors.length - 50} more in the JSON report`);
  return `${lines.join('\n')}\n`;
}
