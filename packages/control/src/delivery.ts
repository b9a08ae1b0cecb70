import type { TDeliveryPushStatus } from '@alliage/domain';
import type { Selectable } from 'kysely';
import type { DeliveriesTable } from './schema.ts';

/** pending (job running) → written (file in the client's outbox) → expired; or failed. */
export type TDeliveryStatus = DeliveriesTable['status'];

/** A selection's delivery as the control plane returns it. */
export interface TDelivery {
  id: string;
  selectionId: string;
  clientOrgId: string;
  clientOrgCode: string;
  status: TDeliveryStatus;
  fileName: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  /** Rows in the file, seeds included. */
  rowCount: number | null;
  seedCount: number | null;
  recipientKeyFingerprint: string | null;
  signerFingerprint: string | null;
  createdAt: Date;
  writtenAt: Date | null;
  expiresAt: Date;
  expiredAt: Date | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** Where the file stands with the client's own SFTP server (push mode). */
  pushStatus: TDeliveryPushStatus;
  pushedAt: Date | null;
  pushErrorCode: string | null;
  pushErrorMessage: string | null;
  /** Final path on the client's server once pushed. */
  remotePath: string | null;
}

/** A `deliveries` row with its client's code. */
export type TDeliveryRow = Selectable<DeliveriesTable> & { client_org_code: string };

/** Maps a row of `deliveries` (joined to its client's code) to its public shape. */
export function toDelivery(row: TDeliveryRow): TDelivery {
  return {
    id: row.id,
    selectionId: row.selection_id,
    clientOrgId: row.client_org_id,
    clientOrgCode: row.client_org_code,
    status: row.status,
    fileName: row.file_name,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    rowCount: row.row_count,
    seedCount: row.seed_count,
    recipientKeyFingerprint: row.recipient_key_fingerprint,
    signerFingerprint: row.signer_fingerprint,
    createdAt: row.created_at,
    writtenAt: row.written_at,
    expiresAt: row.expires_at,
    expiredAt: row.expired_at,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    pushStatus: row.push_status,
    pushedAt: row.pushed_at,
    pushErrorCode: row.push_error_code,
    pushErrorMessage: row.push_error_message,
    remotePath: row.remote_path,
  };
}
