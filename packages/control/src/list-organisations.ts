import { parseInput, type TOrgKind, type TOrgStatus, ZOrgKind, ZOrgStatus } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';
import { type TOrganisation, toOrganisation } from './organisation.ts';

export interface TOrganisationFilter {
  kind?: TOrgKind;
  status?: TOrgStatus;
}

/**
 * Organisations ordered by code, optionally of one kind and/or status. `kind`
 * matches exactly: `{ kind: 'member' }` does not return `both`.
 *
 * @example
 * const clients = await listOrganisations(ctx, { kind: 'client', status: 'active' });
 */
export async function listOrganisations(
  ctx: ControlContext,
  filter: TOrganisationFilter = {},
): Promise<TOrganisation[]> {
  let query = ctx.db.selectFrom('organisations').selectAll().orderBy('code');
  if (filter.kind !== undefined)
    query = query.where('kind', '=', parseInput(ZOrgKind, filter.kind, 'kind'));
  if (filter.status !== undefined) {
    query = query.where('status', '=', parseInput(ZOrgStatus, filter.status, 'status'));
  }
  const rows = await query.execute();
  return rows.map(toOrganisation);
}
