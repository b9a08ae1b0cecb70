import type { TAuditAction } from '@alliage/domain';
import type { Selectable } from 'kysely';
import type { TActor } from './control-context.ts';
import type { AuditEventsTable } from './schema.ts';

/** What a caller records; the chain adds seq, time and hashes. */
export interface TAuditEventInput {
  action: TAuditAction;
  /** A TActor (its `ref` is recorded) or a ready-made ref such as `sftp:M01`. */
  actor: TActor | string;
  objectType?: string | null;
  objectId?: string | null;
  organisationCode?: string | null;
  instructionVersion?: number | null;
  /** JSON-safe facts about the event; never personal data. */
  details?: Record<string, unknown>;
}

/** One link of the audit chain as stored. */
export interface TAuditEvent {
  seq: number;
  occurredAt: Date;
  actor: string;
  action: TAuditAction;
  objectType: string | null;
  objectId: string | null;
  organisationCode: string | null;
  instructionVersion: number | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type TAuditEventRow = Selectable<AuditEventsTable>;

/** Maps a row of `audit_events` to its public shape. */
export function toAuditEvent(row: TAuditEventRow): TAuditEvent {
  return {
    seq: row.seq,
    occurredAt: row.occurred_at,
    actor: row.actor,
    // Only ZAuditAction-validated names are ever appended.
    action: row.action as TAuditAction,
    objectType: row.object_type,
    objectId: row.object_id,
    organisationCode: row.organisation_code,
    instructionVersion: row.instruction_version,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
