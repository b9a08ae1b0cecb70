import type { ControlContext } from './control-context.ts';
import { selectInstructions, type TInstruction, toInstruction } from './instruction.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

/**
 * Every version of a member's instruction, newest first (empty when none yet).
 * AppError not_found for an unknown or client-only organisation.
 *
 * @example
 * const history = await listInstructionVersions(ctx, 'M01');
 */
export async function listInstructionVersions(
  ctx: ControlContext,
  memberCode: string,
): Promise<TInstruction[]> {
  const member = await selectOrganisationRow(ctx.db, memberCode, { memberOnly: true });
  const rows = await selectInstructions(ctx.db)
    .where('instructions.organisation_id', '=', member.id)
    .orderBy('instructions.version', 'desc')
    .execute();
  return rows.map(toInstruction);
}
