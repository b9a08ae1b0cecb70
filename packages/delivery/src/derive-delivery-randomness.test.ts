import { describe, expect, it } from 'vitest';
import { assignRowIds } from './assign-row-ids.ts';
import type { TDeliveryRow } from './delivery-row.ts';
import { deriveDeliveryRandomness } from './derive-delivery-randomness.ts';
import { generateSeedIdentities } from './generate-seed-identities.ts';
import { interleaveSeeds } from './interleave-seeds.ts';

const SECRET = 'test-only-hmac-secret-0123456789abcdef';
const DELIVERY = '3f1c9a2e-77b1-4c1d-9d61-0a6b2f3e4d5c';

/** What a delivery's randomness decides: the sample's seed, the seeds, their places, the row IDs. */
function draws(hmacSecret: string, deliveryId: string) {
  const { sampleSeed, random } = deriveDeliveryRandomness({ hmacSecret, deliveryId });
  const real = Array.from(
    { length: 50 },
    (_, index): TDeliveryRow => ({
      rowId: '',
      civility: 'MME',
      firstName: null,
      lastName: `PERSON ${index}`,
      addressLines: [],
      postcode: null,
      city: null,
      email: `person${index}@example.invalid`,
      phone: null,
    }),
  );
  const seeds = generateSeedIdentities({ count: 3, deliveryId, random, channel: 'email' });
  const rows = assignRowIds(interleaveSeeds(real, seeds, random), random);
  return { sampleSeed, rows };
}

describe('deriveDeliveryRandomness', () => {
  it('draws alike on every attempt of a delivery', () => {
    const first = draws(SECRET, DELIVERY);
    expect(Number.isSafeInteger(first.sampleSeed)).toBe(true);
    expect(draws(SECRET, DELIVERY)).toEqual(first);
  });

  it('draws otherwise for another delivery or under another secret', () => {
    const first = draws(SECRET, DELIVERY);
    for (const other of [
      draws(SECRET, '3f1c9a2e-77b1-4c1d-9d61-0a6b2f3e4d5d'),
      draws(`${SECRET}x`, DELIVERY),
    ]) {
      expect(other.sampleSeed).not.toBe(first.sampleSeed);
      expect(other.rows.map((row) => row.rowId)).not.toEqual(first.rows.map((row) => row.rowId));
      expect(other.rows.filter((row) => 'seed' in row)).not.toEqual(
        first.rows.filter((row) => 'seed' in row),
      );
    }
  });

  it('refuses an empty secret', () => {
    expect(() => deriveDeliveryRandomness({ hmacSecret: '', deliveryId: DELIVERY })).toThrow(
      /secret is empty/,
    );
  });
});
