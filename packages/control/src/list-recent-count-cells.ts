import { channelCellKey, type TRecentCount, type TRecentCountCells } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';
import { isUuid } from './is-uuid.ts';
import type { TSelectionCountShown } from './selection-count-shown.ts';

/**
 * A client's counts since `since` (the anti-differencing window), newest first, by cell:
 * the exact value and what was shown of every value each count showed — the `recent`
 * input of `discloseCountCells`. A count recorded without cells gives its total only,
 * as the cell of its selection's channel.
 *
 * @example
 * const recent = await listRecentCountCells(ctx, { clientOrgId, since: new Date(now - 30 * 86_400_000) });
 */
export async function listRecentCountCells(
  ctx: ControlContext,
  options: { clientOrgId: string; since: Date },
): Promise<TRecentCountCells[]> {
  if (!isUuid(options.clientOrgId)) return [];
  const rows = await ctx.db
    .selectFrom('selection_counts')
    .innerJoin('selections', 'selections.id', 'selection_counts.selection_id')
    .select([
      'selection_counts.exact_total',
      'selection_counts.shown',
      'selection_counts.cells',
      'selections.channel',
    ])
    .where('selection_counts.client_org_id', '=', options.clientOrgId)
    .where('selection_counts.counted_at', '>=', options.since)
    .orderBy('selection_counts.counted_at', 'desc')
    .orderBy('selection_counts.id')
    .execute();
  return rows.map((row) => {
    // Only validated cells and ZSelectionCountShown answers are ever written.
    if (row.cells !== null) return row.cells as Record<string, TRecentCount>;
    return {
      [channelCellKey(row.channel)]: {
        exact: row.exact_total,
        shown: (row.shown as TSelectionCountShown).total,
      },
    };
  });
}
