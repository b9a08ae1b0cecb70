/** Remembers 32-bit keys in a fixed-size bitmap: "seen" may be a false positive, "unseen" never lies. */
export interface TSeenFilter {
  has(key: number): boolean;
  add(key: number): void;
}

/**
 * Creates a one-hash bitmap filter of 2^bits bits (16 MiB at 27 bits), so the
 * generator can hand out unique e-mails and phone numbers to millions of persons
 * in constant memory: a false "seen" only makes it draw another value.
 *
 * @example
 * const seen = createSeenFilter(27); seen.add(612345678); seen.has(612345678) // true
 */
export function createSeenFilter(bits: number): TSeenFilter {
  const words = new Uint32Array(2 ** Math.max(0, bits - 5));
  const mask = words.length * 32 - 1;
  const slot = (key: number): number => (Math.imul(key ^ (key >>> 15), 0x2c1b3c6d) >>> 0) & mask;
  return {
    has(key) {
      const bit = slot(key);
      return ((words[bit >>> 5] as number) & (1 << (bit & 31))) !== 0;
    },
    add(key) {
      const bit = slot(key);
      words[bit >>> 5] = (words[bit >>> 5] as number) | (1 << (bit & 31));
    },
  };
}
