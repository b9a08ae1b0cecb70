import { parseInput, type TRecentCountCells } from '@alliage/domain';
import type { ControlContext, TActor } from './control-context.ts';
import { insertSelectionCount } from './insert-selection-count.ts';
import { listRecentCountCells } from './list-recent-count-cells.ts';
import { lockClientCounts } from './lock-client-counts.ts';
import {
  type TRecordSelectionCountInput,
  ZRecordSelectionCountInput,
} from './record-selection-count.ts';
import { selectSelectionRow } from './select-selection-row.ts';

export interface RecordDisclosedCountOptions<TAnswer> {
  selectionId: string;
  /** When set, another client's selection is not found. */
  clientOrgId?: string | undefined;
  /** Start of the anti-differencing window: the client's counts since then are compared. */
  since: Date;
  /**
   * Decides, from the client's recent counts (newest first, by cell), what the new count
   * shows: what to record (as `recordSelectionCount` takes it) and what to answer. Runs
   * while the client's counts are locked, so keep it pure and quick.
   */
  disclose: (recent: TRecentCountCells[]) => {
    count: Omit<TRecordSelectionCountInput, 'selectionId' | 'clientOrgId'>;
    answer: TAnswer;
  };
}

/**
 * Reads a client's recent counts, discloses a new one against them and records it, in one
 * transaction holding the client's count lock (`lockClientCounts`): two counts of the
 * same client are disclosed one after the other, the second compared with the first,
 * however close together they arrive — else both would be answered afresh and their
 * difference would single out the persons between them. Answers `disclose`'s answer.
 *
 * @example
 * const answer = await recordDisclosedCount(ctx, actor, { selectionId, since, disclose: (recent) => ({ count, answer }) });
 */
export async function recordDisclosedCount<TAnswer>(
  ctx: ControlContext,
  actor: TActor,
  options: RecordDisclosedCountOptions<TAnswer>,
): Promise<TAnswer> {
  return ctx.db.transaction().execute(async (trx) => {
    const selection = await selectSelectionRow(trx, options.selectionId, {
      clientOrgId: options.clientOrgId,
    });
    await lockClientCounts(trx, selection.client_org_id);
    // A statement after the lock: its snapshot holds every count recorded before.
    const recent = await listRecentCountCells(
      { ...ctx, db: trx },
      { clientOrgId: selection.client_org_id, since: options.since },
    );
    const { count, answer } = options.disclose(recent);
    const {
      selectionId: _id,
      clientOrgId: _client,
      ...parsed
    } = parseInput(ZRecordSelectionCountInput, { ...count, selectionId: selection.id });
    await insertSelectionCount(trx, ctx.clock, actor, selection, parsed);
    return answer;
  });
}
