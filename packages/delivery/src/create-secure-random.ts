import { getRandomValues } from 'node:crypto';

/**
 * A `() => number` in [0, 1) drawn from the operating system's CSPRNG (53 random
 * bits, like Math.random's resolution), for production deliveries: seed positions,
 * seed identities and row IDs must not be predictable. Tests pass a seeded generator.
 *
 * @example
 * const random = createSecureRandom();
 * const rows = assignRowIds(interleaveSeeds(extracted, seeds, random), random);
 */
export function createSecureRandom(): () => number {
  // Drawn from the CSPRNG in blocks: one call per number cost ~5 s for a 100,000-row delivery.
  const words = new Uint32Array(8192);
  let next = words.length;
  return () => {
    if (next + 2 > words.length) {
      getRandomValues(words);
      next = 0;
    }
    const high = words[next]!;
    const low = words[next + 1]!;
    next += 2;
    // 27 high bits and 26 low bits make one 53-bit integer.
    return ((high >>> 5) * 67_108_864 + (low >>> 6)) / 9_007_199_254_740_992;
  };
}
