import type { ControlContext } from './control-context.ts';
import { type TFileDrop, toFileDrop } from './file-drop.ts';
import { isUuid } from './is-uuid.ts';
import { selectFileDrops } from './select-file-drop.ts';

/**
 * Marks a drop `processing` for one more attempt and returns it, or null when it
 * is unknown or already finished (a retried or duplicated job then does nothing).
 */
export async function claimFileDrop(
  ctx: ControlContext,
  fileDropId: string,
): Promise<TFileDrop | null> {
  if (!isUuid(fileDropId)) return null;
  return ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('file_drops')
      .set((eb) => ({
        status: 'processing',
        attempts: eb('attempts', '+', 1),
        updated_at: ctx.clock(),
      }))
      .where('id', '=', fileDropId)
      .where('status', 'in', ['received', 'processing'])
      .returning('id')
      .executeTakeFirst();
    if (!updated) return null;
    const row = await selectFileDrops(trx)
      .where('file_drops.id', '=', fileDropId)
      .executeTakeFirstOrThrow();
    return toFileDrop(row);
  });
}
