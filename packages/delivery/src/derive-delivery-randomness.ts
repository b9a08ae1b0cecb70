import { createHmac } from 'node:crypto';
import { AppError } from '@alliage/domain';
import { createKeyedRandom } from './create-keyed-random.ts';

/** What a delivery draws: its sample and the randomness of its file. */
export interface TDeliveryRandomness {
  /** Seed of the `random` sampling (`hash(person_id XOR seed)`): 48 bits, a safe integer. */
  sampleSeed: number;
  /** Seed identities, their positions and the row IDs. */
  random: () => number;
}

/**
 * A delivery's randomness, derived from its ID under the platform's HMAC secret: the same
 * on every attempt of the delivery (a retry on an unchanged pool extracts the same persons
 * and writes the same rows, seeds and row IDs, so a copy an interrupted attempt left in
 * `out/` carries the seeds that get recorded), different for every delivery, and
 * unpredictable to anyone without the secret.
 *
 * @example
 * const { sampleSeed, random } = deriveDeliveryRandomness({ hmacSecret, deliveryId: delivery.id });
 */
export function deriveDeliveryRandomness(input: {
  hmacSecret: string;
  deliveryId: string;
}): TDeliveryRandomness {
  // An empty key would still "work" and make every delivery's draws guessable.
  if (input.hmacSecret.length === 0) throw new AppError('internal', 'HMAC secret is empty');
  // One label per use, so the secret's other keyed hashes (the repoussoir) never meet these.
  const derive = (use: string) =>
    createHmac('sha256', input.hmacSecret)
      .update(`alliage.delivery.${use}.v1|${input.deliveryId}`, 'utf8')
      .digest();
  return {
    sampleSeed: derive('sample').readUIntBE(0, 6),
    random: createKeyedRandom(derive('file')),
  };
}
