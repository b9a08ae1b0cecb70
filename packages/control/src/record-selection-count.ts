import { parseInput, ZOrgCode } from '@alliage/domain';
import { z } from 'zod';
import type { ControlContext, TActor } from './control-context.ts';
import { insertSelectionCount } from './insert-selection-count.ts';
import { lockClientCounts } from './lock-client-counts.ts';
import { selectSelectionRow } from './select-selection-row.ts';
import { ZDisclosedCount, ZSelectionCountShown } from './selection-count-shown.ts';

export const ZRecordSelectionCountInput = z.object({
  selectionId: z.string(),
  /** When set, another client's selection is not found. */
  clientOrgId: z.string().optional(),
  exactTotal: z.number().int().min(0).max(2_147_483_647),
  shown: ZSelectionCountShown,
  blurred: z.boolean(),
  /** The instruction version in force per member whose records the count read. */
  instructionVersions: z.record(ZOrgCode, z.number().int().min(1)).default({}),
  /**
   * Every value shown, by cell (`channelCellKey`, `departementCellKey`): exact and as
   * shown, for the anti-differencing of later counts. Without it only the total is kept.
   */
  cells: z
    .record(
      z.string().max(60),
      z
        .object({ exact: z.number().int().min(0).max(2_147_483_647), shown: ZDisclosedCount })
        .strict(),
    )
    .optional(),
});
export type TRecordSelectionCountInput = z.input<typeof ZRecordSelectionCountInput>;
export type TRecordSelectionCount = z.output<typeof ZRecordSelectionCountInput>;

/**
 * Records a count a client was shown (with the exact total and, by cell, the exact values
 * of what was shown, kept for the anti-differencing rule) and `selection.counted` — whose
 * details carry only what was shown, never an exact value, and the instruction versions
 * the count ran under. A count disclosed against the client's recent counts goes through
 * `recordDisclosedCount` instead, which reads them under the same lock.
 *
 * @example
 * const disclosed = discloseCount({ exact, threshold: 20, rounding: 10, recent });
 * await recordSelectionCount(ctx, actor, { selectionId, exactTotal: exact,
 *   shown: { total: disclosed.shown }, blurred: disclosed.blurred });
 */
export async function recordSelectionCount(
  ctx: ControlContext,
  actor: TActor,
  input: TRecordSelectionCountInput,
): Promise<{ id: string }> {
  const { selectionId, clientOrgId, ...count } = parseInput(ZRecordSelectionCountInput, input);
  return ctx.db.transaction().execute(async (trx) => {
    const selection = await selectSelectionRow(trx, selectionId, { clientOrgId });
    // Serialised with the client's other counts, as `recordDisclosedCount` is.
    await lockClientCounts(trx, selection.client_org_id);
    return insertSelectionCount(trx, ctx.clock, actor, selection, count);
  });
}
