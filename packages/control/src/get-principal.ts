import { AppError } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';
import { isUuid } from './is-uuid.ts';
import { selectPrincipals, type TPrincipal, toPrincipal } from './principal.ts';

/**
 * The principal with this id, or AppError not_found (also for a malformed id).
 *
 * @example
 * const principal = await getPrincipal(ctx, principalId);
 */
export async function getPrincipal(ctx: ControlContext, id: string): Promise<TPrincipal> {
  if (!isUuid(id)) throw new AppError('not_found', 'principal not found');
  const row = await selectPrincipals(ctx.db).where('principals.id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', `principal ${id} not found`);
  return toPrincipal(row);
}
