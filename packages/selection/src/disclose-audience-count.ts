import type { TRecordSelectionCountInput } from '@alliage/control';
import {
  channelCellKey,
  departementCellKey,
  discloseCountCells,
  type TChannel,
  type TCountCells,
  type TDisclosedCount,
  type TRecentCountCells,
  ZChannel,
} from '@alliage/domain';
import type { TKeyedSelectionCounts, TSelectionCounts } from '@alliage/warehouse';
import type { TAudienceCount } from './count-selection-audience.ts';
import type { TSelectionSettings } from './selection-settings.ts';

export interface DiscloseAudienceCountInput {
  selectionId: string;
  channel: TChannel;
  countedAt: Date;
  /** The exact count in the pool, with the cell key of each value. */
  exact: TKeyedSelectionCounts;
  /** The client's recent counts, by cell (`listRecentCountCells`). */
  recent: readonly TRecentCountCells[];
  settings: Pick<TSelectionSettings, 'countThreshold' | 'countRounding'>;
  /** The instruction version in force per member whose records the count read. */
  instructionVersions: Record<string, number>;
}

/**
 * What a client is told of an exact count (each value perturbed by its cell key, then
 * threshold, rounding, anti-differencing of the total and of every breakdown value
 * against the same value of its recent counts), and what is recorded of it: only the
 * values shown, with their exact values (never the perturbed ones). Pure.
 *
 * @example
 * const { answer, count } = discloseAudienceCount({ selectionId, channel: 'postal', countedAt, exact, recent, settings, instructionVersions });
 */
export function discloseAudienceCount(input: DiscloseAudienceCountInput): {
  answer: TAudienceCount;
  count: Omit<TRecordSelectionCountInput, 'selectionId' | 'clientOrgId'>;
} {
  const { exact, channel, settings } = input;
  const totalCell = channelCellKey(channel);
  const exactCells = toCells(channel, exact);
  const disclosed = discloseCountCells({
    cells: exactCells,
    threshold: settings.countThreshold,
    rounding: settings.countRounding,
    recent: input.recent,
    cellKeys: toCells(channel, exact.cellKeys),
  });
  const shownOf = (cell: string) => disclosed[cell]?.shown ?? `<${settings.countThreshold}`;
  const total = disclosed[totalCell] ?? { shown: shownOf(totalCell), blurred: false };
  // A blurred total withholds the breakdowns: it must not be rebuilt from its parts.
  const byDepartement = total.blurred
    ? null
    : Object.fromEntries(
        Object.keys(exact.byDepartement)
          .sort((a, b) => a.localeCompare(b))
          .map((departement) => [departement, shownOf(departementCellKey(channel, departement))])
          .filter(([, shown]) => typeof shown === 'number'),
      );
  const answer: TAudienceCount = {
    selectionId: input.selectionId,
    countedAt: input.countedAt.toISOString(),
    channel,
    total: total.shown,
    blurred: total.blurred,
    byChannel: total.blurred
      ? null
      : (Object.fromEntries(
          ZChannel.options.map((other) => [other, shownOf(channelCellKey(other))]),
        ) as Record<TChannel, TDisclosedCount>),
    byDepartement,
  };
  // Only what was shown is kept for later comparisons: a withheld value cannot be differenced.
  const shownCells = total.blurred ? [totalCell] : Object.keys(exactCells);
  return {
    answer,
    count: {
      exactTotal: exact.total,
      shown: { total: answer.total, byChannel: answer.byChannel, byDepartement },
      blurred: total.blurred,
      instructionVersions: input.instructionVersions,
      cells: Object.fromEntries(
        shownCells.map((cell) => [cell, { exact: exactCells[cell] ?? 0, shown: shownOf(cell) }]),
      ),
    },
  };
}

/** Every value of a count is a cell: the total is the cell of the selection's channel. */
function toCells(
  channel: TChannel,
  values: Pick<TSelectionCounts, 'total' | 'byChannel' | 'byDepartement'>,
): TCountCells {
  return {
    ...Object.fromEntries(
      ZChannel.options.map((other) => [channelCellKey(other), values.byChannel[other]]),
    ),
    [channelCellKey(channel)]: values.total,
    ...Object.fromEntries(
      Object.entries(values.byDepartement).map(([departement, value]) => [
        departementCellKey(channel, departement),
        value,
      ]),
    ),
  };
}
