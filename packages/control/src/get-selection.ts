import type { ControlContext } from './control-context.ts';
import { selectSelectionRow } from './select-selection-row.ts';
import { type TSelection, toSelection } from './selection.ts';

/**
 * The selection with this id, or AppError not_found — also when `clientOrgId` is given
 * and the selection belongs to another client (isolation answers like absence).
 *
 * @example
 * const selection = await getSelection(ctx, id, { clientOrgId: actor.organisationId ?? undefined });
 */
export async function getSelection(
  ctx: ControlContext,
  id: string,
  options: { clientOrgId?: string | undefined } = {},
): Promise<TSelection> {
  return toSelection(await selectSelectionRow(ctx.db, id, options));
}
