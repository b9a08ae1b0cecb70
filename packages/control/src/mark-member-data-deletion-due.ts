import { AppError } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';

/**
 * Records that an offboarded member's data must be gone from the pool from now on
 * (`organisations.data_deletion_due_at`): called by the offboarding once its export is
 * written, right before the pool deletion. From then on every pool build deletes again
 * whatever the pool holds of it (a pool file restored from an older backup). Keeps the
 * first date when called again; AppError conflict unless the member is offboarded.
 *
 * @example
 * await markMemberDataDeletionDue(ctx, 'M01');
 */
export async function markMemberDataDeletionDue(
  ctx: ControlContext,
  memberCode: string,
): Promise<void> {
  const updated = await ctx.db
    .updateTable('organisations')
    .set((eb) => ({
      data_deletion_due_at: eb.fn.coalesce('data_deletion_due_at', eb.val(ctx.clock())),
    }))
    .where('code', '=', memberCode)
    .where('status', '=', 'offboarded')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    throw new AppError('conflict', `organisation ${memberCode} is not offboarded`);
  }
}
