import type { ControlContext } from './control-context.ts';
import { selectPrincipals, type TPrincipal, toPrincipal } from './principal.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

export interface TPrincipalFilter {
  /** Only principals of this organisation (AppError not_found when it does not exist). */
  organisationCode?: string;
}

/**
 * Principals in creation order, optionally of one organisation.
 *
 * @example
 * const principals = await listPrincipals(ctx, { organisationCode: 'M01' });
 */
export async function listPrincipals(
  ctx: ControlContext,
  filter: TPrincipalFilter = {},
): Promise<TPrincipal[]> {
  let query = selectPrincipals(ctx.db).orderBy('principals.created_at').orderBy('principals.id');
  if (filter.organisationCode !== undefined) {
    const organisation = await selectOrganisationRow(ctx.db, filter.organisationCode);
    query = query.where('principals.organisation_id', '=', organisation.id);
  }
  const rows = await query.execute();
  return rows.map(toPrincipal);
}
