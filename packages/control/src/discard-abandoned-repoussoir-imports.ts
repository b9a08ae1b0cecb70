import type { ControlContext } from './control-context.ts';

/**
 * How long an import may go without writing a batch before it counts as abandoned. A
 * batch of a few thousand lines decrypts in well under a second; an import this idle
 * lost its process (a crash, a restart) and will never finish.
 */
export const ABANDONED_REPOUSSOIR_IMPORT_MS = 60 * 60 * 1000;

/**
 * Deletes the imports in batches that wrote nothing for `ABANDONED_REPOUSSOIR_IMPORT_MS`,
 * with their staged rows (ON DELETE CASCADE), and returns how many: they never became
 * entries and never will. Should such an import still be running, its next batch or its
 * last step finds it gone and fails, adding nothing.
 *
 * @example
 * await discardAbandonedRepoussoirImports(ctx); // 1
 */
export async function discardAbandonedRepoussoirImports(ctx: ControlContext): Promise<number> {
  const idleSince = new Date(ctx.clock().getTime() - ABANDONED_REPOUSSOIR_IMPORT_MS);
  const discarded = await ctx.db
    .deleteFrom('repoussoir_imports')
    .where('staged_at', '<', idleSince)
    .executeTakeFirst();
  return Number(discarded.numDeletedRows);
}
