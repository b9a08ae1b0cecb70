import type { ControlContext } from './control-context.ts';
import { type TFileDrop, toFileDrop } from './file-drop.ts';
import { selectFileDrops } from './select-file-drop.ts';

/** The accepted drop of this organisation with this SHA-256, if any (duplicate detection). */
export async function findAcceptedFileDrop(
  ctx: ControlContext,
  organisationId: string,
  sha256: string,
): Promise<TFileDrop | null> {
  const row = await selectFileDrops(ctx.db)
    .where('file_drops.organisation_id', '=', organisationId)
    .where('file_drops.sha256', '=', sha256)
    .where('file_drops.status', '=', 'accepted')
    .executeTakeFirst();
  return row ? toFileDrop(row) : null;
}
