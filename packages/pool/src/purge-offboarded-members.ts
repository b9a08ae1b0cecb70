import {
  type ControlContext,
  listMemberDataDeletionsDue,
  repoussoirFeed,
  type TActor,
} from '@alliage/control';
import { deleteMemberData, listPoolMemberCodes, type TWarehouse } from '@alliage/warehouse';
import { memberDataDeletedEvent } from './member-data-deleted-event.ts';

export interface PurgeOffboardedMembersOptions {
  ctx: ControlContext;
  warehouse: TWarehouse;
  actor: TActor;
  /** What runs the purge, recorded in `member.data_deleted`. */
  trigger: 'operator' | 'housekeeping';
  /** Sector of every member (member_code → sector); the offboarded ones are left out. */
  memberSectors: Map<string, string>;
}

/** What the pool still held of one offboarded member and the purge deleted, in counts. */
export interface TOffboardedMemberPurge {
  memberCode: string;
  records: number;
  heldRecords: number;
  transactions: number;
  personsRemoved: number;
}

/**
 * Deletes whatever the pool still holds of members whose offboarding reached its
 * deletion (`listMemberDataDeletionsDue`) — a pool file restored from a backup taken
 * before the offboarding — with the offboarding's own deletion (`deleteMemberData`),
 * which marks the pool file for a rewrite. Each deletion writes `member.data_deleted`
 * (reason `offboarded_member_found_again`, counts only) into the pool's outbox with its
 * own transaction. A member still exporting (no deletion recorded yet) is left alone.
 *
 * @example
 * const purged = await purgeOffboardedMembers({ ctx, warehouse, actor, trigger: 'housekeeping', memberSectors });
 */
export async function purgeOffboardedMembers(
  options: PurgeOffboardedMembersOptions,
): Promise<TOffboardedMemberPurge[]> {
  const due = await listMemberDataDeletionsDue(options.ctx);
  if (due.length === 0) return [];
  const held = new Set(await listPoolMemberCodes(options.warehouse));
  const gone = new Set(due.map((member) => member.code));
  const remainingSectors = new Map(
    [...options.memberSectors].filter(([memberCode]) => !gone.has(memberCode)),
  );
  const purged: TOffboardedMemberPurge[] = [];
  for (const member of due.filter((entry) => held.has(entry.code))) {
    const deletion = await deleteMemberData({
      warehouse: options.warehouse,
      memberCode: member.code,
      memberSectors: remainingSectors,
      repoussoir: repoussoirFeed(options.ctx),
      now: options.ctx.clock(),
      auditEvents: (counts) => [
        memberDataDeletedEvent(counts, {
          actor: options.actor,
          memberId: member.id,
          memberCode: member.code,
          context: {
            reason: 'offboarded_member_found_again',
            trigger: options.trigger,
            dataDeletionDueAt: member.dataDeletionDueAt.toISOString(),
          },
        }),
      ],
    });
    purged.push({
      memberCode: member.code,
      records: deletion.records,
      heldRecords: deletion.heldRecords,
      transactions: deletion.transactions,
      personsRemoved: deletion.personsRemoved,
    });
  }
  return purged;
}
