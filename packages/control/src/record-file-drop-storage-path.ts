import type { ControlContext } from './control-context.ts';

/**
 * Records where a drop's encrypted file now lives (intake moves it from the inbox into
 * the drop store when it claims the drop). Only an unfinished drop is updated.
 *
 * @example
 * await recordFileDropStoragePath(ctx, drop.id, '/data/drops/M01/<drop id>');
 */
export async function recordFileDropStoragePath(
  ctx: ControlContext,
  fileDropId: string,
  storagePath: string,
): Promise<void> {
  await ctx.db
    .updateTable('file_drops')
    .set({ storage_path: storagePath, updated_at: ctx.clock() })
    .where('id', '=', fileDropId)
    .where('status', 'in', ['received', 'processing'])
    .execute();
}
