import type { Transaction } from 'kysely';
import { appendAuditEvent } from './audit-append-event.ts';
import type { TActor, TClock } from './control-context.ts';
import type { TRecordSelectionCount } from './record-selection-count.ts';
import type { ControlSchema } from './schema.ts';
import type { TSelectionRow } from './selection.ts';

/**
 * Writes a validated count of `selection` and its `selection.counted` event inside `trx`
 * (the caller holds the client's count lock: `lockClientCounts`).
 *
 * @example
 * const { id } = await insertSelectionCount(trx, ctx.clock, actor, selection, parsedCount);
 */
export async function insertSelectionCount(
  trx: Transaction<ControlSchema>,
  clock: TClock,
  actor: TActor,
  selection: TSelectionRow,
  count: Omit<TRecordSelectionCount, 'selectionId' | 'clientOrgId'>,
): Promise<{ id: string }> {
  const { exactTotal, shown, blurred, instructionVersions, cells } = count;
  const row = await trx
    .insertInto('selection_counts')
    .values({
      selection_id: selection.id,
      client_org_id: selection.client_org_id,
      counted_at: clock(),
      counted_by_ref: actor.ref,
      exact_total: exactTotal,
      shown: JSON.stringify(shown),
      blurred,
      cells: cells === undefined ? null : JSON.stringify(cells),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await appendAuditEvent(trx, clock, {
    action: 'selection.counted',
    actor,
    objectType: 'selection',
    objectId: selection.id,
    organisationCode: selection.client_org_code,
    details: {
      selectionId: selection.id,
      countId: row.id,
      shown: shown.total,
      blurred,
      instructionVersions,
    },
  });
  return { id: row.id };
}
