/**
 * A small seeded PRNG (mulberry32), so randomised tests check the same cases on
 * every run and a failing seed can be replayed.
 *
 * @example
 * const random = seededRandom(42);
 * random() // always the same first value for seed 42, in [0, 1)
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
