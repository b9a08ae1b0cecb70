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
  const words = new Uint32Array(2);
  return () => {
    getRandomValues(words);
    // 27 high bits and 26 low bits make one 53-bit integer.
    return ((words[0]! >>> 5) * 67_108_864 + (words[1]! >>> 6)) / 9_007_199_254_740_992;
  };
}
