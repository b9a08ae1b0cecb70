import { perturbCount } from './perturb-count.ts';

/** A count as shown to a client: a number, or `"<threshold"` when it is too small to show. */
export type TDisclosedCount = number | `<${number}`;

/** What a client is shown for one count, and whether anti-differencing replaced it. */
export interface TCountDisclosure {
  shown: TDisclosedCount;
  /** True when the count was replaced by a recent one's shown value (anti-differencing). */
  blurred: boolean;
}

/** One count the same client saw recently: the exact value (kept server-side) and what was shown. */
export interface TRecentCount {
  exact: number;
  shown: TDisclosedCount;
}

export interface DiscloseCountInput {
  /** The true count. */
  exact: number;
  /** Smallest count ever shown as a number (default configuration: 20). */
  threshold: number;
  /** Counts are rounded to the nearest multiple of this (1: no rounding). */
  rounding: number;
  /** The client's counts within the anti-differencing window. */
  recent: readonly TRecentCount[];
  /**
   * The cell key of the counted persons (cell-key method, `perturbCount`): the count is
   * perturbed by it before the threshold and the rounding. Without one it is not.
   */
  cellKey?: number;
}

/**
 * Decides what a client is shown for a count, so that counts cannot single out a person
 * (with a `cellKey`, "count" in 1 and 3 is the count perturbed by it, `perturbCount`;
 * the comparison in 2 is between exact counts):
 * 1. a count within `threshold` of one of the client's recent counts — distance 0
 *    included — is shown as the closest of them was (the first of equally close ones),
 *    with `blurred: true`, whatever its own value: a repeat and a near-identical
 *    selection get the same answer, so neither the value nor the flag tells whether the
 *    few persons one adds or removes are there — also at the threshold, where a count
 *    of its own would read `"<threshold"` one person below a count shown as a number;
 *    a small count may so read as its neighbour's number (nothing new is learnt; a
 *    delivery never goes below the threshold, `runDelivery`);
 * 2. otherwise a count below `threshold` is shown as `"<threshold"`, never as a number;
 * 3. otherwise the count is rounded to the nearest multiple of `rounding`, never below
 *    `threshold` (a rounded count must not read as a small one).
 * `blurred` is true exactly when a recent count lies within `threshold`.
 *
 * @example
 * discloseCount({ exact: 12, threshold: 20, rounding: 10, recent: [] }) // { shown: '<20', blurred: false }
 * discloseCount({ exact: 1234, threshold: 20, rounding: 10, recent: [] }) // { shown: 1230, blurred: false }
 * discloseCount({ exact: 1235, threshold: 20, rounding: 10, recent: [{ exact: 1231, shown: 1230 }] })
 * // { shown: 1230, blurred: true }
 */
export function discloseCount(input: DiscloseCountInput): TCountDisclosure {
  const { exact, threshold, rounding, recent, cellKey } = input;
  assertCount('exact', exact, 0);
  assertCount('threshold', threshold, 1);
  assertCount('rounding', rounding, 1);

  let closest: TRecentCount | null = null;
  let closestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of recent) {
    const distance = Math.abs(exact - candidate.exact);
    // Strictly closer only: the first of equally close counts wins, so the result is stable.
    if (distance < threshold && distance < closestDistance) {
      closest = candidate;
      closestDistance = distance;
    }
  }
  // A near count is answered as the closest one was, small or not: deciding "small" on the
  // new count's own (perturbed) value first would tell a selection one person away from a
  // count shown at the threshold ("20") apart from a repeat of it ("<20" only when that
  // person is there).
  if (closest) return { shown: closest.shown, blurred: true };
  const perturbed = cellKey === undefined ? exact : perturbCount({ exact, cellKey });
  if (perturbed < threshold) return { shown: `<${threshold}`, blurred: false };
  return {
    shown: Math.max(threshold, Math.round(perturbed / rounding) * rounding),
    blurred: false,
  };
}

// Counts and configuration are integers; anything else is a programming error upstream.
function assertCount(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`discloseCount: ${name} must be an integer >= ${min}`);
  }
}
