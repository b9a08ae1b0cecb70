import type { TRecentCount } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';
import { isUuid } from './is-uuid.ts';
import type { TSelectionCountShown } from './selection-count-shown.ts';

/**
 * A client's counts since `since` (the anti-differencing window), newest first: the exact
 * total and the total it was shown — the `recent` input of `discloseCount`.
 *
 * @example
 * const recent = await listRecentCounts(ctx, { clientOrgId, since: new Date(now - 30 * 86_400_000) });
 */
export async function listRecentCounts(
  ctx: ControlContext,
  options: { clientOrgId: string; since: Date },
): Promise<TRecentCount[]> {
  if (!isUuid(options.clientOrgId)) return [];
  const rows = await ctx.db
    .selectFrom('selection_counts')
    .select(['exact_total', 'shown'])
    .where('client_org_id', '=', options.clientOrgId)
    .where('counted_at', '>=', options.since)
    .orderBy('counted_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    exact: row.exact_total,
    // Only ZSelectionCountShown-validated answers are ever written.
    shown: (row.shown as TSelectionCountShown).total,
  }));
}
