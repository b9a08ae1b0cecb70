import { discloseCount, type TCountDisclosure, type TRecentCount } from './disclose-count.ts';

/** A count's exact values by cell: `channel:<channel>`, `departement:<channel>:<code>`. */
export type TCountCells = Record<string, number>;

/** One recent count of the client, by cell: the exact value and what was shown. */
export type TRecentCountCells = Record<string, TRecentCount>;

/** The cell of a count on one channel (a selection's total is the cell of its own channel). */
export function channelCellKey(channel: string): string {
  return `channel:${channel}`;
}

/** The cell of a by-département count; the channel is part of it (another channel's count is another value). */
export function departementCellKey(channel: string, departement: string): string {
  return `departement:${channel}:${departement}`;
}

export interface DiscloseCountCellsInput {
  cells: TCountCells;
  threshold: number;
  rounding: number;
  /** The client's counts within the anti-differencing window, by cell. */
  recent: readonly TRecentCountCells[];
  /** The cell key of every cell (cell-key method: each value is perturbed by its own key). */
  cellKeys: TCountCells;
}

/**
 * Discloses every value of a count — the total and each breakdown value — with
 * `discloseCount`, each against the same cell of the client's recent counts: a
 * breakdown value within the threshold of the same value in a recent count is shown
 * as that one was. Two selections that differ by fewer persons than the threshold
 * differ by less than the threshold in every cell, so none of their values can be set
 * against the other to count those persons. Each value is perturbed by its own cell key
 * before the threshold and the rounding (`perturbCount`).
 *
 * @example
 * discloseCountCells({ cells: { 'channel:postal': 55, 'departement:postal:69': 25 }, threshold: 20,
 *   rounding: 10, recent: [{ 'departement:postal:69': { exact: 24, shown: 20 } }],
 *   cellKeys: { 'channel:postal': 2 ** 31, 'departement:postal:69': 7 } })
 * // { 'channel:postal': { shown: 60, blurred: false }, 'departement:postal:69': { shown: 20, blurred: true } }
 */
export function discloseCountCells(
  input: DiscloseCountCellsInput,
): Record<string, TCountDisclosure> {
  const { cells, threshold, rounding, recent, cellKeys } = input;
  return Object.fromEntries(
    Object.entries(cells).map(([key, exact]) => {
      const cellKey = cellKeys[key];
      // Every cell shown is perturbed: a cell without a key is a bug upstream, not a count.
      if (cellKey === undefined) throw new RangeError(`discloseCountCells: no cell key for ${key}`);
      return [
        key,
        discloseCount({
          exact,
          threshold,
          rounding,
          recent: recent.flatMap((count) => (count[key] ? [count[key]] : [])),
          cellKey,
        }),
      ];
    }),
  );
}
