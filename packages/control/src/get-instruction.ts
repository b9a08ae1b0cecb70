import type { ControlContext } from './control-context.ts';
import { selectInstructions, type TInstruction, toInstruction } from './instruction.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

/**
 * The latest recorded version of a member's instruction (whatever its
 * effective date), or null when it has none. AppError not_found for an unknown
 * or client-only organisation.
 *
 * @example
 * const latest = await getInstruction(ctx, 'M01');
 */
export async function getInstruction(
  ctx: ControlContext,
  memberCode: string,
): Promise<TInstruction | null> {
  const member = await selectOrganisationRow(ctx.db, memberCode, { memberOnly: true });
  const row = await selectInstructions(ctx.db)
    .where('instructions.organisation_id', '=', member.id)
    .orderBy('instructions.version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toInstruction(row) : null;
}
