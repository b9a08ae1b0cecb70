import { AppError } from '@alliage/domain';
import type { TExecutor } from './control-context.ts';
import { isUuid } from './is-uuid.ts';
import type { TSelectionRow } from './selection.ts';

export interface SelectSelectionRowOptions {
  /** When set, another client's selection is treated as absent (same not_found). */
  clientOrgId?: string | undefined;
  /** Lock the selection row until the transaction ends (serialises its transitions). */
  forUpdate?: boolean;
}

/**
 * The row of a selection with its client's code, or AppError not_found — also for a
 * malformed id and for another client's selection, so that ids cannot be probed.
 *
 * @example
 * const row = await selectSelectionRow(trx, id, { clientOrgId: actor.organisationId, forUpdate: true });
 */
export async function selectSelectionRow(
  executor: TExecutor,
  id: string,
  options: SelectSelectionRowOptions = {},
): Promise<TSelectionRow> {
  const notFound = () => new AppError('not_found', `selection ${id} not found`);
  if (!isUuid(id)) throw new AppError('not_found', 'selection not found');
  if (options.clientOrgId !== undefined && !isUuid(options.clientOrgId)) throw notFound();
  let query = executor
    .selectFrom('selections')
    .innerJoin('organisations', 'organisations.id', 'selections.client_org_id')
    .selectAll('selections')
    .select('organisations.code as client_org_code')
    .where('selections.id', '=', id);
  if (options.clientOrgId !== undefined) {
    query = query.where('selections.client_org_id', '=', options.clientOrgId);
  }
  if (options.forUpdate) query = query.forUpdate('selections');
  const row = await query.executeTakeFirst();
  if (!row) throw notFound();
  return row;
}
