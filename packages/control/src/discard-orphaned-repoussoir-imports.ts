import type { ControlContext } from './control-context.ts';
import { discardRepoussoirImport } from './repoussoir-import-lock.ts';

/**
 * Discards every import in batches the control plane holds, whatever its last write: the
 * pending rows and the hold of one that was moving its rows in, then the staged ones. Only
 * for a process that owns the control plane alone and has just opened it (PGlite: one
 * process per data directory), where every import left is one a dead process ran. Without
 * it, a restart after a crash mid-move would keep every repoussoir change (an API add, a
 * subject's opposition) waiting until the hold counted as abandoned
 * (`ABANDONED_REPOUSSOIR_APPLY_MS`). Returns how many imports it discarded.
 *
 * @example
 * await discardOrphanedRepoussoirImports(ctx); // 1
 */
export async function discardOrphanedRepoussoirImports(ctx: ControlContext): Promise<number> {
  const state = await ctx.db
    .selectFrom('repoussoir_state')
    .select('applying_import_id')
    .where('id', '=', 1)
    .executeTakeFirst();
  const holder = state?.applying_import_id ?? null;
  if (holder !== null) await discardRepoussoirImport(ctx, holder);
  // Staged rows go with their import (ON DELETE CASCADE).
  const staged = await ctx.db.deleteFrom('repoussoir_imports').executeTakeFirst();
  return Number(staged.numDeletedRows) + (holder === null ? 0 : 1);
}
