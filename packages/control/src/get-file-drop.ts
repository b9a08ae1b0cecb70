import { AppError } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';
import { type TFileDrop, toFileDrop } from './file-drop.ts';
import { isUuid } from './is-uuid.ts';
import { selectFileDrops } from './select-file-drop.ts';

/** One file drop by id, or AppError not_found. */
export async function getFileDrop(ctx: ControlContext, fileDropId: string): Promise<TFileDrop> {
  if (!isUuid(fileDropId)) throw new AppError('not_found', 'file drop not found');
  const row = await selectFileDrops(ctx.db)
    .where('file_drops.id', '=', fileDropId)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `file drop ${fileDropId} not found`);
  return toFileDrop(row);
}
