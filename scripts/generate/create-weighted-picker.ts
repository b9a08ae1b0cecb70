import type { TRandom } from './create-random.ts';

/** Draws items in proportion to their weights. */
export interface TWeightedPicker<T> {
  pick(random: TRandom): T;
  readonly items: readonly T[];
}

/**
 * Builds a picker over items and their (non-negative) weights with a cumulative
 * table and a binary search, so a draw costs O(log n) even over 40,000 communes.
 *
 * @example
 * createWeightedPicker(['web', 'magasin'], [3, 1]).pick(random)
 */
export function createWeightedPicker<T>(
  items: readonly T[],
  weights: readonly number[],
): TWeightedPicker<T> {
  if (items.length === 0 || items.length !== weights.length)
    throw new Error('a weighted picker needs as many weights as items, and at least one');
  const cumulative = new Float64Array(items.length);
  let total = 0;
  weights.forEach((weight, index) => {
    total += Math.max(0, weight);
    cumulative[index] = total;
  });
  if (total <= 0) throw new Error('a weighted picker needs a positive total weight');
  return {
    items,
    pick(random) {
      const target = random.next() * total;
      let low = 0;
      let high = items.length - 1;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if ((cumulative[middle] as number) > target) high = middle;
        else low = middle + 1;
      }
      return items[low] as T;
    },
  };
}

/**
 * Zipf-like weights for a list ordered from most to least common: rank r gets
 * 1 / r^exponent, so the head repeats often and the tail stays rare.
 *
 * @example
 * zipfWeights(3, 1) // [1, 0.5, 0.333…]
 */
export function zipfWeights(count: number, exponent: number): number[] {
  return Array.from({ length: count }, (_, rank) => 1 / (rank + 1) ** exponent);
}
