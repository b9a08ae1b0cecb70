import type { ControlContext } from './control-context.ts';
import { isUuid } from './is-uuid.ts';

/** What an error code looks like (an AppError code, a Node or SQLSTATE code): never free text. */
const ERROR_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Records the error code of a drop's failed attempt (the job will be retried or
 * re-dispatched), so the operator told the drop is stuck sees what keeps failing.
 * A finished or unknown drop is left alone; a code that is not one is stored as `internal`.
 *
 * @example
 * await recordFileDropFailure(ctx, fileDropId, 'unavailable');
 */
export async function recordFileDropFailure(
  ctx: ControlContext,
  fileDropId: string,
  errorCode: string,
): Promise<void> {
  if (!isUuid(fileDropId)) return;
  await ctx.db
    .updateTable('file_drops')
    .set({
      last_error_code: ERROR_CODE.test(errorCode) ? errorCode : 'internal',
      updated_at: ctx.clock(),
    })
    .where('id', '=', fileDropId)
    .where('status', 'in', ['received', 'processing'])
    .execute();
}
