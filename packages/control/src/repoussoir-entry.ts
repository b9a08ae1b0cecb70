import type { TRepoussoirKind, TRepoussoirScope, TRepoussoirSource } from '@alliage/domain';
import type { Selectable } from 'kysely';
import type { TActor } from './control-context.ts';
import type { RepoussoirEntriesTable } from './schema.ts';

/** A repoussoir (do-not-contact) entry as the control plane returns it: never its hash. */
export interface TRepoussoirEntry {
  id: string;
  kind: TRepoussoirKind;
  scope: TRepoussoirScope;
  source: TRepoussoirSource;
  sourceReference: string | null;
  createdAt: Date;
  createdBy: string;
  /** Set once an entry was withdrawn by a recorded decision (it then no longer applies). */
  withdrawnAt: Date | null;
  withdrawnBy: string | null;
  withdrawalReason: string | null;
}

/** Maps a row of `repoussoir_entries` to its public shape (the hash stays inside). */
export function toRepoussoirEntry(row: Selectable<RepoussoirEntriesTable>): TRepoussoirEntry {
  return {
    id: row.id,
    kind: row.kind,
    scope: row.scope,
    source: row.source,
    sourceReference: row.source_reference,
    createdAt: row.created_at,
    createdBy: row.created_by,
    withdrawnAt: row.withdrawn_at,
    withdrawnBy: row.withdrawn_by,
    withdrawalReason: row.withdrawal_reason,
  };
}

/**
 * The columns a withdrawal sets: who, when and why stay on the entry, and the change's
 * repoussoir version so the pool's mirror sees it.
 *
 * @example
 * trx.updateTable('repoussoir_entries').set(withdrawalStamp({ actor, now, reason, version }))
 */
export function withdrawalStamp(withdrawal: {
  actor: TActor;
  now: Date;
  reason: string;
  version: number;
}) {
  return {
    withdrawn_at: withdrawal.now,
    withdrawn_by: withdrawal.actor.ref,
    withdrawal_reason: withdrawal.reason,
    change_version: withdrawal.version,
  };
}
