import { sql, type Transaction } from 'kysely';
import { appendAuditEvent } from './audit-append-event.ts';
import type { TAuditEvent, TAuditEventInput } from './audit-event.ts';
import { lockAuditChainHead } from './audit-lock-chain-head.ts';
import type { TClock } from './control-context.ts';
import type { ControlSchema } from './schema.ts';

/**
 * Appends `event` with `outboxId` in its details, unless the chain holds an event with
 * that ID already (then returns null): a delivery from the pool's outbox that is redone
 * after a crash — appended, not yet removed from the outbox — appends nothing twice.
 * The check runs under the chain's append lock, and a unique index on the ID backs it.
 *
 * @example
 * await db.transaction().execute((trx) => appendAuditEventOnce(trx, clock, outboxId, event));
 */
export async function appendAuditEventOnce(
  trx: Transaction<ControlSchema>,
  clock: TClock,
  outboxId: string,
  event: TAuditEventInput,
): Promise<TAuditEvent | null> {
  // Taken again by appendAuditEvent in the same transaction (advisory locks stack): a
  // concurrent delivery of the same event waits here, then finds it.
  await lockAuditChainHead(trx);
  const delivered = await trx
    .selectFrom('audit_events')
    .select('seq')
    .where(sql<string>`details->>'outboxId'`, '=', outboxId)
    .executeTakeFirst();
  if (delivered) return null;
  return appendAuditEvent(trx, clock, {
    ...event,
    details: { ...event.details, outboxId },
  });
}
