import type { ControlContext } from './control-context.ts';
import { type TFileDrop, toFileDrop } from './file-drop.ts';
import { selectFileDrops } from './select-file-drop.ts';

/** Drops not finished yet, oldest first: the dispatcher re-queues them after a crash. */
export async function listPendingFileDrops(
  ctx: ControlContext,
  limit = 1000,
): Promise<TFileDrop[]> {
  const rows = await selectFileDrops(ctx.db)
    .where('file_drops.status', 'in', ['received', 'processing'])
    .orderBy('file_drops.received_at', 'asc')
    .limit(limit)
    .execute();
  return rows.map(toFileDrop);
}
