import { seededRandom } from '@alliage/domain/testing';
import { addressLineLength, resolveCommune } from '@alliage/normalize';
import { describe, expect, it } from 'vitest';
import { formatDeliveryCsv } from './format-delivery-csv.ts';
import {
  DEFAULT_SEED_EMAIL_DOMAIN,
  generateSeedIdentities,
  seedCommunesOf,
} from './generate-seed-identities.ts';
import {
  SEED_DEFAULT_COMMUNES,
  SEED_FEMALE_FIRST_NAMES,
  SEED_MALE_FIRST_NAMES,
} from './seed-vocabulary.ts';

const DELIVERY_ID = '3f1c9a2e-0000-4000-8000-000000000001';

describe('generateSeedIdentities', () => {
  it('uses only communes whose postcode and city really match', () => {
    for (const commune of SEED_DEFAULT_COMMUNES) {
      expect(resolveCommune(commune).status, `${commune.postcode} ${commune.city}`).toBe('matched');
    }
  });

  it('makes postal seeds with a civility matching the first name and an NF Z10-011 block', () => {
    const seeds = generateSeedIdentities({
      count: 20,
      deliveryId: DELIVERY_ID,
      random: seededRandom(1),
      channel: 'postal',
    });
    expect(seeds).toHaveLength(20);
    const postcodes = new Set(SEED_DEFAULT_COMMUNES.map((commune) => commune.postcode));
    for (const seed of seeds) {
      expect(seed.seed).toBe(true);
      expect(seed.rowId).toBe('');
      expect(seed.email).toBeNull();
      expect(seed.phone).toBeNull();
      const firstNames = seed.civility === 'MME' ? SEED_FEMALE_FIRST_NAMES : SEED_MALE_FIRST_NAMES;
      expect(firstNames).toContain(seed.firstName);
      expect(postcodes).toContain(seed.postcode);
      expect(seed.addressLines.length).toBeGreaterThanOrEqual(3);
      expect(seed.addressLines.length).toBeLessThanOrEqual(6);
      for (const line of seed.addressLines) {
        expect(line.length).toBeLessThanOrEqual(addressLineLength);
        expect(line).toMatch(/^[A-Z0-9 '\-/]+$/);
      }
      expect(seed.addressLines[0]).toMatch(new RegExp(`^${seed.civility} `));
      expect(seed.addressLines.at(-2)).toMatch(
        /^\d{1,3} (RUE|AVENUE|BOULEVARD|ALLEE|IMPASSE|CHEMIN|PLACE) [A-Z0-9 ]+$/,
      );
      expect(seed.addressLines.at(-1)).toBe(`${seed.postcode} ${seed.city}`);
      const resolved = resolveCommune({ postcode: seed.postcode, city: seed.city });
      expect(resolved.status).toBe('matched');
    }
    const names = new Set(seeds.map((seed) => `${seed.firstName} ${seed.lastName}`));
    expect(names.size).toBe(20);
    expect(new Set(seeds.map((seed) => seed.civility)).size).toBe(2);
  });

  it('is deterministic for a given random source, and varies with it', () => {
    const draw = (seed: number) =>
      generateSeedIdentities({
        count: 3,
        deliveryId: DELIVERY_ID,
        random: seededRandom(seed),
        channel: 'email',
      });
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('makes email seeds on the seed domain, derived from the name', () => {
    const seeds = generateSeedIdentities({
      count: 10,
      deliveryId: DELIVERY_ID,
      random: seededRandom(2),
      channel: 'email',
    });
    for (const seed of seeds) {
      expect(seed.addressLines).toEqual([]);
      expect(seed.phone).toBeNull();
      expect(seed.email).toMatch(
        new RegExp(`^[a-z]+[._]?[a-z]+\\d{6}@${DEFAULT_SEED_EMAIL_DOMAIN}$`),
      );
      const last = seed
        .lastName!.normalize('NFD')
        .replace(/[^A-Za-z]/g, '')
        .toLowerCase();
      expect(seed.email).toContain(last);
    }
    expect(new Set(seeds.map((seed) => seed.email)).size).toBe(10);

    const custom = generateSeedIdentities({
      count: 1,
      deliveryId: DELIVERY_ID,
      random: seededRandom(2),
      channel: 'email',
      seedEmailDomain: 'Example-Witness.FR',
    });
    expect(custom[0]!.email).toMatch(/@example-witness\.fr$/);
  });

  it('makes phone seeds from the prefix, written in national form', () => {
    for (const channel of ['sms', 'phone'] as const) {
      const seeds = generateSeedIdentities({
        count: 5,
        deliveryId: DELIVERY_ID,
        random: seededRandom(3),
        channel,
      });
      for (const seed of seeds) {
        expect(seed.phone).toMatch(/^063998\d{4}$/);
        expect(seed.email).toBeNull();
        expect(seed.addressLines).toEqual([]);
      }
      expect(new Set(seeds.map((seed) => seed.phone)).size).toBe(5);
    }
    const custom = generateSeedIdentities({
      count: 2,
      deliveryId: DELIVERY_ID,
      random: seededRandom(3),
      channel: 'sms',
      seedPhonePrefix: '+33757',
    });
    for (const seed of custom) expect(seed.phone).toMatch(/^0757\d{6}$/);
  });

  it('never draws a seed contact another delivery holds', () => {
    // A prefix leaving one digit: ten numbers, nine of them already taken.
    const prefix = '+3363998123';
    const all = Array.from({ length: 10 }, (_, digit) => `063998123${digit}`);
    const takenContacts = new Set(all.filter((phone) => phone !== '0639981237'));
    for (const seed of [1, 2, 3]) {
      const [only] = generateSeedIdentities({
        count: 1,
        deliveryId: DELIVERY_ID,
        random: seededRandom(seed),
        channel: 'sms',
        seedPhonePrefix: prefix,
        takenContacts,
      });
      expect(only?.phone).toBe('0639981237');
    }
    const emails = generateSeedIdentities({
      count: 3,
      deliveryId: DELIVERY_ID,
      random: seededRandom(2),
      channel: 'email',
    }).map((seed) => seed.email as string);
    const redrawn = generateSeedIdentities({
      count: 3,
      deliveryId: DELIVERY_ID,
      random: seededRandom(2),
      channel: 'email',
      takenContacts: new Set([emails[0] as string]),
    }).map((seed) => seed.email);
    expect(redrawn).not.toContain(emails[0]);
  });

  it('puts postal seeds on monitored addresses when given, and in the given communes', () => {
    const monitored = generateSeedIdentities({
      count: 4,
      deliveryId: DELIVERY_ID,
      random: seededRandom(4),
      channel: 'postal',
      seedPostalAddresses: [
        { street: '5 bd Gambetta', complement: 'Boîte 12', postcode: '38000', city: 'Grenoble' },
      ],
    });
    for (const seed of monitored) {
      expect(seed.addressLines.slice(1)).toEqual([
        'BOITE 12',
        '5 BOULEVARD GAMBETTA',
        '38000 GRENOBLE',
      ]);
    }
    expect(new Set(monitored.map((seed) => seed.addressLines[0])).size).toBe(4);

    const local = generateSeedIdentities({
      count: 5,
      deliveryId: DELIVERY_ID,
      random: seededRandom(5),
      channel: 'postal',
      communes: [
        { postcode: '69003', city: 'Lyon' },
        { postcode: '99999', city: 'Nowhere' },
      ],
    });
    for (const seed of local) expect(seed.addressLines.at(-1)).toBe('69003 LYON');
  });

  it('goes through the CSV formatter like any row', () => {
    const seeds = generateSeedIdentities({
      count: 3,
      deliveryId: DELIVERY_ID,
      random: seededRandom(6),
      channel: 'sms',
    }).map((seed, index) => ({ ...seed, rowId: `R${index}` }));
    const text = new TextDecoder().decode(formatDeliveryCsv(seeds, 'sms'));
    expect(text.split('\r\n')).toHaveLength(5);
    expect(text).not.toContain('seed');
    expect(text).not.toContain("'");
  });

  it('refuses bad options, without naming a person', () => {
    const base = { deliveryId: DELIVERY_ID, random: seededRandom(1), channel: 'email' as const };
    expect(() => generateSeedIdentities({ ...base, count: -1 })).toThrow(/seed count/);
    expect(() => generateSeedIdentities({ ...base, count: 1.5 })).toThrow(/seed count/);
    expect(() =>
      generateSeedIdentities({ ...base, count: 1, seedEmailDomain: 'no domain' }),
    ).toThrow('seed email domain is not a valid domain name');
    expect(() =>
      generateSeedIdentities({ ...base, channel: 'sms', count: 1, seedPhonePrefix: '+32470' }),
    ).toThrow(/seed phone prefix/);
    expect(() =>
      generateSeedIdentities({
        ...base,
        channel: 'sms',
        count: 11,
        seedPhonePrefix: '+3363998012',
      }),
    ).toThrow(/cannot draw 11 distinct seeds/);
    expect(() =>
      generateSeedIdentities({
        ...base,
        channel: 'postal',
        count: 1,
        communes: [{ postcode: '99999', city: 'Nowhere' }],
      }),
    ).toThrow('seed communes: none is a known postcode and city pair');
    expect(generateSeedIdentities({ ...base, count: 0 })).toEqual([]);
  });

  it("takes a delivery's own communes for its seeds, once each, known ones only", () => {
    const rows = [
      { postcode: '42000', city: 'ST ETIENNE' },
      { postcode: '42000', city: 'ST ETIENNE' },
      { postcode: '24200', city: 'SARLAT LA CANEDA' },
      { postcode: '99999', city: 'NOWHERE' },
      { postcode: null, city: 'PARIS' },
      { postcode: '75016', city: null },
    ];
    const communes = seedCommunesOf(rows);
    expect(communes).toEqual([
      { postcode: '42000', city: 'ST ETIENNE' },
      { postcode: '24200', city: 'SARLAT LA CANEDA' },
    ]);
    const seeds = generateSeedIdentities({
      count: 6,
      deliveryId: DELIVERY_ID,
      random: seededRandom(7),
      channel: 'postal',
      communes,
    });
    for (const seed of seeds) expect(['42000', '24200']).toContain(seed.postcode);
    expect(seedCommunesOf([{ postcode: '99999', city: 'NOWHERE' }])).toEqual([]);
  });
});
