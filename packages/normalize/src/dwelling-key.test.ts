import { describe, expect, it } from 'vitest';
import { addressMatchKey, dwellingKey, dwellingPartKey } from './dwelling-key.ts';
import { parseStreetLine } from './parse-street-line.ts';

const STREET = parseStreetLine('12 avenue Victor Hugo');

describe('addressMatchKey', () => {
  it('keys on the INSEE code and the street match key', () => {
    expect(
      addressMatchKey({ postcode: '75016', inseeCode: '75116', street: STREET, locality: null }),
    ).toBe('75116|12 AVENUE VICTOR HUGO');
  });

  it('falls back on the normalised postcode when the commune is unknown', () => {
    expect(
      addressMatchKey({ postcode: '1000', inseeCode: null, street: STREET, locality: null }),
    ).toBe('01000|12 AVENUE VICTOR HUGO');
  });

  it('gives the same key to two spellings of one address', () => {
    const key = (street: string) =>
      addressMatchKey({
        postcode: '42000',
        inseeCode: '42218',
        street: parseStreetLine(street),
        locality: null,
      });
    expect(key('3 r. St-Jean')).toBe(key('3, Rue Saint Jean'));
  });

  it('uses the locality when the street line has no street name', () => {
    expect(
      addressMatchKey({
        postcode: '20200',
        inseeCode: '2B033',
        street: null,
        locality: 'Lieu-dit Les Vignes',
      }),
    ).toBe('2B033|LIEU DIT LES VIGNES');
    expect(
      addressMatchKey({
        postcode: '97400',
        inseeCode: '97411',
        street: parseStreetLine('4 bis'),
        locality: 'Le Bourg',
      }),
    ).toBe('97411|4BIS LE BOURG');
  });

  it('returns null without a place or without a street or locality', () => {
    expect(
      addressMatchKey({ postcode: null, inseeCode: null, street: STREET, locality: null }),
    ).toBeNull();
    expect(
      addressMatchKey({ postcode: 'ABC', inseeCode: null, street: STREET, locality: null }),
    ).toBeNull();
    expect(
      addressMatchKey({ postcode: '75016', inseeCode: '75116', street: null, locality: ' ' }),
    ).toBeNull();
    expect(
      addressMatchKey({
        postcode: '75016',
        inseeCode: '75116',
        street: parseStreetLine('12'),
        locality: null,
      }),
    ).toBeNull();
  });
});

describe('dwellingKey', () => {
  const addressKey = '75116|12 AVENUE VICTOR HUGO';

  it('gives one key to the usual spellings of the same flat', () => {
    const expected = `${addressKey}|BATIMENT A|APPARTEMENT 12`;
    expect(dwellingKey(addressKey, 'BAT A', 'APT 12')).toBe(expected);
    expect(dwellingKey(addressKey, 'Bâtiment A', 'Appartement 12')).toBe(expected);
    expect(dwellingKey(addressKey, 'Bt. A', 'APPT 12')).toBe(expected);
    expect(dwellingKey(addressKey, 'bat a', 'App. n° 12')).toBe(expected);
    expect(dwellingKey(addressKey, 'BAT A', 'APT12')).toBe(expected);
  });

  it('normalises floor, staircase, residence and door words', () => {
    expect(dwellingKey(addressKey, 'Rés. Les Pins Esc. B', '3ème étg porte 4')).toBe(
      `${addressKey}|RESIDENCE LES PINS ESCALIER B|3 ETAGE PORTE 4`,
    );
    expect(dwellingKey(addressKey, 'RESIDENCE LES PINS ESCALIER B', '3E ETAGE PTE 4')).toBe(
      `${addressKey}|RESIDENCE LES PINS ESCALIER B|3 ETAGE PORTE 4`,
    );
  });

  it('keeps two flats of one building apart', () => {
    expect(dwellingKey(addressKey, 'BAT A', 'APT 12')).not.toBe(
      dwellingKey(addressKey, 'BAT A', 'APT 14'),
    );
    expect(dwellingKey(addressKey, 'BAT A', 'APT 12')).not.toBe(
      dwellingKey(addressKey, 'BAT B', 'APT 12'),
    );
  });

  it('keeps empty parts so the key stays positional, and is null without an address key', () => {
    expect(dwellingKey(addressKey, null, null)).toBe(`${addressKey}||`);
    expect(dwellingKey(addressKey, ' ', 'APT 3')).toBe(`${addressKey}||APPARTEMENT 3`);
    expect(dwellingKey(null, 'BAT A', 'APT 12')).toBeNull();
  });
});

describe('dwellingPartKey', () => {
  it('folds one part and makes the usual spellings equal', () => {
    expect(dwellingPartKey('Appt n° 12, 3ème étage')).toBe('APPARTEMENT 12 3 ETAGE');
    expect(dwellingPartKey('Bât. B')).toBe('BATIMENT B');
    expect(dwellingPartKey('Lieu-dit Les Vignes')).toBe('LIEU DIT LES VIGNES');
  });

  it('returns null for a blank or missing part', () => {
    expect(dwellingPartKey(null)).toBeNull();
    expect(dwellingPartKey(' - ')).toBeNull();
  });
});
