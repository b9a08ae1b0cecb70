import type { ControlContext } from './control-context.ts';
import { type TFileDrop, toFileDrop } from './file-drop.ts';
import { selectFileDrops } from './select-file-drop.ts';

/**
 * Drops not finished yet, oldest first: the dispatcher re-queues them after a crash.
 * `organisationCode` narrows them to one member's (before the limit applies).
 */
export async function listPendingFileDrops(
  ctx: ControlContext,
  limit = 1000,
  organisationCode?: string,
): Promise<TFileDrop[]> {
  let query = selectFileDrops(ctx.db).where('file_drops.status', 'in', ['received', 'processing']);
  if (organisationCode !== undefined) {
    query = query.where('organisations.code', '=', organisationCode);
  }
  const rows = await query.orderBy('file_drops.received_at', 'asc').limit(limit).execute();
  return rows.map(toFileDrop);
}
