import type {
  TDropFileKind,
  TDropRejectionReason,
  TDropReport,
  TDropStatus,
} from '@alliage/domain';
import type { Selectable } from 'kysely';
import type { FileDropsTable } from './schema.ts';

/** One encrypted file received from a member, and what became of it. */
export interface TFileDrop {
  id: string;
  organisationId: string;
  organisationCode: string;
  fileName: string;
  source: 'sftp' | 'pull';
  sizeBytes: number;
  sha256: string;
  /** Where the encrypted bytes are kept on the platform (never clear text). */
  storagePath: string;
  status: TDropStatus;
  attempts: number;
  /** The error code of the last failed attempt (an AppError code, `ECONNREFUSED`…), if any. */
  lastErrorCode: string | null;
  kind: TDropFileKind | null;
  signerFingerprint: string | null;
  rowCount: number | null;
  rejectedRowCount: number | null;
  rejectionReason: TDropRejectionReason | null;
  duplicateOf: string | null;
  report: TDropReport | null;
  receivedAt: Date;
  finishedAt: Date | null;
  /** When an operator last retried it after it was abandoned (its thresholds count from then). */
  retriedAt: Date | null;
}

/** Maps a `file_drops` row (joined with its organisation code) to its public shape. */
export function toFileDrop(
  row: Selectable<FileDropsTable> & { organisation_code: string },
): TFileDrop {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    organisationCode: row.organisation_code,
    fileName: row.file_name,
    source: row.source,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256,
    storagePath: row.storage_path,
    status: row.status,
    attempts: row.attempts,
    lastErrorCode: row.last_error_code,
    kind: row.file_kind,
    signerFingerprint: row.signer_fingerprint,
    rowCount: row.row_count,
    rejectedRowCount: row.rejected_row_count,
    rejectionReason: row.rejection_reason as TDropRejectionReason | null,
    duplicateOf: row.duplicate_of,
    report: (row.report as TDropReport | null) ?? null,
    receivedAt: row.received_at,
    finishedAt: row.finished_at,
    retriedAt: row.retried_at,
  };
}
