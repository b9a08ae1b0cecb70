import { AppError } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';
import { selectInstructions, type TInstruction, toInstruction } from './instruction.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

/**
 * The version of a member's instruction in force at `at`: the latest version
 * whose `effectiveFrom` is on or before the UTC date of `at`, or null when none
 * applies yet. AppError not_found for an unknown or client-only organisation.
 *
 * @example
 * const inForce = await getInstructionInForce(ctx, 'M01', ctx.clock());
 */
export async function getInstructionInForce(
  ctx: ControlContext,
  memberCode: string,
  at: Date,
): Promise<TInstruction | null> {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new AppError('validation_failed', 'invalid at', {
      fields: [{ path: 'at', message: 'must be a valid date' }],
    });
  }
  const member = await selectOrganisationRow(ctx.db, memberCode, { memberOnly: true });
  // Effective dates are calendar days; the platform counts them in UTC, like its clock.
  const day = at.toISOString().slice(0, 10);
  const row = await selectInstructions(ctx.db)
    .where('instructions.organisation_id', '=', member.id)
    .where('instructions.effective_from', '<=', day)
    .orderBy('instructions.version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toInstruction(row) : null;
}
