import type { ControlContext } from './control-context.ts';
import { isUuid } from './is-uuid.ts';
import { type TSelection, type TSelectionStatus, toSelection } from './selection.ts';

/**
 * Selections, newest first; only one client's when `clientOrgId` is given, only those in
 * `status` when it is.
 *
 * @example
 * const mine = await listSelections(ctx, { clientOrgId: client.id });
 */
export async function listSelections(
  ctx: ControlContext,
  options: { clientOrgId?: string | undefined; status?: TSelectionStatus | undefined } = {},
): Promise<TSelection[]> {
  // A malformed organisation id owns nothing; PostgreSQL would refuse the cast.
  if (options.clientOrgId !== undefined && !isUuid(options.clientOrgId)) return [];
  let query = ctx.db
    .selectFrom('selections')
    .innerJoin('organisations', 'organisations.id', 'selections.client_org_id')
    .selectAll('selections')
    .select('organisations.code as client_org_code')
    .orderBy('selections.created_at', 'desc')
    .orderBy('selections.id', 'desc');
  if (options.clientOrgId !== undefined) {
    query = query.where('selections.client_org_id', '=', options.clientOrgId);
  }
  if (options.status !== undefined) query = query.where('selections.status', '=', options.status);
  return (await query.execute()).map(toSelection);
}
