/**
 * A `() => number` in [0, 1) with 53 random bits per number (Math.random's resolution),
 * made of 32-bit words that `refill` writes into a block at a time.
 *
 * @example
 * const random = randomFromWords((words) => getRandomValues(words));
 */
export function randomFromWords(refill: (words: Uint32Array) => void): () => number {
  // Drawn in blocks: one call per number cost ~5 s for a 100,000-row delivery.
  const words = new Uint32Array(8192);
  let next = words.length;
  return () => {
    if (next + 2 > words.length) {
      refill(words);
      next = 0;
    }
    const high = words[next]!;
    const low = words[next + 1]!;
    next += 2;
    // 27 high bits and 26 low bits make one 53-bit integer.
    return ((high >>> 5) * 67_108_864 + (low >>> 6)) / 9_007_199_254_740_992;
  };
}
