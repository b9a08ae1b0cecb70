/** Cell keys lie in [0, CELL_KEY_RANGE): the sum of the counted persons' keys modulo 2^32. */
export const CELL_KEY_RANGE = 2 ** 32;

/**
 * The cell-key method's perturbation table: a cell key, read as a fraction of
 * `CELL_KEY_RANGE`, picks one entry (so each entry has probability 1/8). Zero mean,
 * variance 1.5, bounded by ±2: small beside the rounding step, enough that a count on a
 * rounding boundary or at the threshold shows either side of it.
 */
export const CELL_KEY_PERTURBATIONS: readonly number[] = [-2, -1, -1, 0, 0, 1, 1, 2];

/** The largest change `perturbCount` makes to a count. */
export const MAX_CELL_KEY_PERTURBATION = 2;

/**
 * The cell-key method (as statistics offices use it, e.g. ABS TableBuilder): adds to an
 * exact count the perturbation its cell key picks in `CELL_KEY_PERTURBATIONS`. The key is
 * the sum of the counted persons' own secret keys, so the same persons always get the
 * same perturbation (repeating a count averages nothing away) and two sets one person
 * apart get independent ones. An empty cell stays 0; a non-empty one stays at least 1
 * (never shown as empty, never negative). Pure.
 *
 * @example
 * perturbCount({ exact: 0, cellKey: 123 }) // 0
 * perturbCount({ exact: 25, cellKey: 0 }) // 23 (the first entry, -2)
 */
export function perturbCount(input: { exact: number; cellKey: number }): number {
  const { exact, cellKey } = input;
  if (!Number.isSafeInteger(exact) || exact < 0) {
    throw new RangeError('perturbCount: exact must be an integer >= 0');
  }
  if (!Number.isSafeInteger(cellKey) || cellKey < 0 || cellKey >= CELL_KEY_RANGE) {
    throw new RangeError('perturbCount: cellKey must be an integer in [0, 2^32)');
  }
  if (exact === 0) return 0;
  const entry = Math.floor((cellKey * CELL_KEY_PERTURBATIONS.length) / CELL_KEY_RANGE);
  return Math.max(1, exact + (CELL_KEY_PERTURBATIONS[entry] ?? 0));
}
