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
}

/**
 * Decides what a client is shown for a count, so that counts cannot single out a person:
 * 1. a count below `threshold` is shown as `"<threshold"`;
 * 2. a count equal to one of the client's recent counts is shown as that one was: the
 *    same question always gets the same answer (were it shown afresh, a repeat could be
 *    set against an earlier blurred answer and leak the difference rule 3 hid);
 * 3. a count that differs from one of the client's recent counts by more than zero but
 *    less than `threshold` is shown exactly as that recent count was (the closest one;
 *    `blurred: true`): two near-identical selections then read the same, and their
 *    difference (the few persons one adds) stays hidden;
 * 4. otherwise the count is rounded to the nearest multiple of `rounding`, never below
 *    `threshold` (a rounded count must not read as a small one).
 * `blurred` is true when rule 3 applied, or rule 2 repeated something other than the
 * rounded count.
 *
 * @example
 * discloseCount({ exact: 12, threshold: 20, rounding: 10, recent: [] }) // { shown: '<20', blurred: false }
 * discloseCount({ exact: 1234, threshold: 20, rounding: 10, recent: [] }) // { shown: 1230, blurred: false }
 * discloseCount({ exact: 1235, threshold: 20, rounding: 10, recent: [{ exact: 1231, shown: 1230 }] })
 * // { shown: 1230, blurred: true }
 */
export function discloseCount(input: DiscloseCountInput): TCountDisclosure {
  const { exact, threshold, rounding, recent } = input;
  assertCount('exact', exact, 0);
  assertCount('threshold', threshold, 1);
  assertCount('rounding', rounding, 1);
  if (exact < threshold) return { shown: `<${threshold}`, blurred: false };

  const rounded = Math.max(threshold, Math.round(exact / rounding) * rounding);
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
  if (closest) {
    return { shown: closest.shown, blurred: closestDistance > 0 || closest.shown !== rounded };
  }
  return { shown: rounded, blurred: false };
}

// Counts and configuration are integers; anything else is a programming error upstream.
function assertCount(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`discloseCount: ${name} must be an integer >= ${min}`);
  }
}
