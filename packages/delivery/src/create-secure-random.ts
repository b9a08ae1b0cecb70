import { getRandomValues } from 'node:crypto';
import { randomFromWords } from './random-from-words.ts';

/**
 * A `() => number` in [0, 1) drawn from the operating system's CSPRNG (53 random
 * bits, like Math.random's resolution), for what must be unpredictable and need not
 * be drawn again alike. A delivery's draws use `deriveDeliveryRandomness` instead,
 * so that a retry draws the same.
 *
 * @example
 * const random = createSecureRandom();
 * const rows = assignRowIds(interleaveSeeds(extracted, seeds, random), random);
 */
export function createSecureRandom(): () => number {
  return randomFromWords((words) => {
    getRandomValues(words);
  });
}
