import type { ControlContext } from './control-context.ts';
import { type TFileDrop, toFileDrop } from './file-drop.ts';
import { isUuid } from './is-uuid.ts';
import { selectFileDrops } from './select-file-drop.ts';

/** IDs per query: well under PostgreSQL's bind-parameter limit. */
const BATCH = 500;

/**
 * The file drops of these IDs that exist, in no particular order: an unknown ID,
 * or a string that is no UUID at all, is left out, not an error.
 *
 * @example
 * const drops = await listFileDropsByIds(ctx, ['0f8c…', '9a1e…']);
 */
export async function listFileDropsByIds(
  ctx: ControlContext,
  ids: readonly string[],
): Promise<TFileDrop[]> {
  const drops: TFileDrop[] = [];
  const valid = ids.filter(isUuid);
  for (let start = 0; start < valid.length; start += BATCH) {
    const rows = await selectFileDrops(ctx.db)
      .where('file_drops.id', 'in', valid.slice(start, start + BATCH))
      .execute();
    drops.push(...rows.map(toFileDrop));
  }
  return drops;
}
