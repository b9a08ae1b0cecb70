import type { ControlContext } from './control-context.ts';
import { type TOrganisation, toOrganisation } from './organisation.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

/**
 * The organisation with this code, or AppError not_found.
 *
 * @example
 * const member = await getOrganisation(ctx, 'M01');
 */
export async function getOrganisation(ctx: ControlContext, code: string): Promise<TOrganisation> {
  return toOrganisation(await selectOrganisationRow(ctx.db, code));
}
