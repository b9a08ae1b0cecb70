import { randomUUID } from 'node:crypto';
import type { TActor } from '@alliage/control';
import type { TMemberDataDeletion, TPoolAuditEvent } from '@alliage/warehouse';

/**
 * `member.data_deleted` for a deletion of everything the pool held of a member (counts
 * only), about the member's organisation: the offboarding's own, and a pool build's
 * when it finds an offboarded member's data again (`context` says which and why).
 *
 * @example
 * auditEvents: (deletion) => [memberDataDeletedEvent(deletion, { actor, memberId, memberCode, context: { reason: 'offboarding' } })]
 */
export function memberDataDeletedEvent(
  deletion: TMemberDataDeletion,
  member: {
    actor: TActor;
    memberId: string;
    memberCode: string;
    /** `reason` first, then what else tells compliance where the deletion came from. */
    context: { reason: string } & Record<string, unknown>;
  },
): TPoolAuditEvent {
  return {
    outboxId: randomUUID(),
    action: 'member.data_deleted',
    actor: member.actor.ref,
    objectType: 'organisation',
    objectId: member.memberId,
    organisationCode: member.memberCode,
    details: {
      ...member.context,
      records: deletion.records,
      heldRecords: deletion.heldRecords,
      transactions: deletion.transactions,
      loadedDrops: deletion.loadedDrops,
      personsRemoved: deletion.personsRemoved,
      householdsRemoved: deletion.householdsRemoved,
      deliveredPersonsRows: deletion.deliveredPersonsRows,
      deliverySupplierRows: deletion.deliverySupplierRows,
    },
  };
}
