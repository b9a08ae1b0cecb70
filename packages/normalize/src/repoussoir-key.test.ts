import { describe, expect, it } from 'vitest';
import { normalizeEmail } from './normalize-email.ts';
import { normalizePersonName } from './normalize-person-name.ts';
import { normalizePostcode } from './normalize-postcode.ts';
import { parseStreetLine } from './parse-street-line.ts';
import { postalPlaceKey } from './postal-place-key.ts';
import { postalRepoussoirKey, repoussoirKey } from './repoussoir-key.ts';

function keyOf(kind: 'email' | 'phone' | 'postal', value: string): string | undefined {
  const result = repoussoirKey(kind, value);
  return result.ok ? result.value : undefined;
}

describe('repoussoirKey', () => {
  it('gives one key to every spelling of a phone number (E.164)', () => {
    expect(keyOf('phone', '+33 6 12 34 56 78')).toBe('+33612345678');
    expect(keyOf('phone', '06.12.34.56.78')).toBe('+33612345678');
    expect(keyOf('phone', '0612345678')).toBe('+33612345678');
    expect(keyOf('phone', '612345678')).toBe('+33612345678');
  });

  it('folds case and surrounding spaces of an email address', () => {
    expect(keyOf('email', '  Marie.Dupont@Exemple.INVALID ')).toBe('marie.dupont@exemple.invalid');
    expect(keyOf('email', 'marie.dupont@exemple.invalid')).toBe('marie.dupont@exemple.invalid');
  });

  it('keys an email exactly as normalizeEmail reads member data', () => {
    const raw = ' Jean.Test+promo@Example.INVALID';
    const member = normalizeEmail(raw);
    expect(member.ok && keyOf('email', raw) === member.value).toBe(true);
  });

  it('builds the postal key from last name, first name, postcode and street line', () => {
    expect(keyOf('postal', 'Dupont|Jean|75016|12 av Victor Hugo')).toBe(
      'DUPONT|JEAN|75016|12 AVENUE VICTOR HUGO',
    );
  });

  it('gives one postal key to street and name spelling variants', () => {
    const spellings = [
      'de la Fontaine|Jean|75016|12 AV VICTOR HUGO',
      'DELAFONTAINE|jean|75016|12 avenue Victor-Hugo',
      'De La Fontaine | JEAN | 75 016 | 12, Avenue Victor Hugo',
    ];
    for (const spelling of spellings) {
      expect(keyOf('postal', spelling)).toBe('DELAFONTAINE|JEAN|75016|12 AVENUE VICTOR HUGO');
    }
  });

  it('accepts an empty first name and restores a dropped postcode zero', () => {
    expect(keyOf('postal', 'Martin||1000|3 rue des Lilas')).toBe('MARTIN||01000|3 RUE DES LILAS');
  });

  it('equals postalRepoussoirKey fed with the normalisers’ outputs for the same data', () => {
    const postcode = normalizePostcode('75016');
    const key = postalRepoussoirKey({
      lastNameKey: normalizePersonName('Dupont')?.match ?? null,
      firstNameKey: normalizePersonName('Jean')?.match ?? null,
      postcode: postcode.ok ? postcode.value : null,
      placeKey: parseStreetLine('12 av Victor Hugo')?.matchKey ?? null,
    });
    expect(key).not.toBeNull();
    expect(keyOf('postal', 'Dupont|Jean|75016|12 av Victor Hugo')).toBe(key);
  });

  it('takes the locality in part 4 for an address with no street line (lieu-dit)', () => {
    expect(keyOf('postal', 'Lieudit|Paul|24200|Le Bourg')).toBe('LIEUDIT|PAUL|24200|LE BOURG');
    expect(keyOf('postal', 'Lieudit|Paul|24200|LD les Granges')).toBe(
      'LIEUDIT|PAUL|24200|LIEU DIT LES GRANGES',
    );
    // A record with a house number and a locality but no street name.
    expect(keyOf('postal', 'Lieudit|Paul|24200|4 bis Le Bourg')).toBe(
      'LIEUDIT|PAUL|24200|4BIS LE BOURG',
    );
  });

  it('equals the key of a record at a locality-only address', () => {
    for (const [street, locality, value] of [
      [null, 'Le Bourg', 'Lieudit|Paul|24200|LE BOURG'],
      [null, 'Lieu-dit Les Granges', 'Lieudit|Paul|24200|LD Les Granges'],
      ['4B', 'La Croix St Jean', 'Lieudit|Paul|24200|4 bis la croix saint jean'],
    ] as const) {
      const record = postalRepoussoirKey({
        lastNameKey: normalizePersonName('LIEUDIT')?.match ?? null,
        firstNameKey: normalizePersonName('Paul')?.match ?? null,
        postcode: '24200',
        placeKey: postalPlaceKey(street, locality),
      });
      expect(record, value).not.toBeNull();
      expect(keyOf('postal', value), value).toBe(record);
    }
  });

  it('refuses what cannot be normalised, never quoting the value', () => {
    const cases: ['email' | 'phone' | 'postal', string][] = [
      ['email', 'jean.secret@'],
      ['email', '   '],
      ['phone', '0612'],
      ['phone', ''],
      ['postal', 'Dupont|Jean|75016'],
      ['postal', 'Dupont|Jean|75016|12 rue X|extra'],
      ['postal', ' |Jean|75016|12 rue Secrete'],
      ['postal', 'Secretname|Jean|ABCDE|12 rue Secrete'],
      ['postal', 'Secretname|Jean||12 rue Secrete'],
      ['postal', 'Secretname|Jean|75016| - '],
    ];
    for (const [kind, value] of cases) {
      const result = repoussoirKey(kind, value);
      expect(result.ok, `${kind} case`).toBe(false);
      if (result.ok) continue;
      expect(result.reason).not.toMatch(/secret|SECRET|0612|ABCDE|Dupont/);
    }
  });

  it('names the failing part of a postal identity', () => {
    expect(repoussoirKey('postal', 'Dupont|Jean|7501|12 rue X')).toMatchObject({ ok: true });
    expect(repoussoirKey('postal', 'Dupont|Jean|750|12 rue X')).toEqual({
      ok: false,
      reason: 'postcode (part 3): not a 5-digit postcode',
    });
    expect(repoussoirKey('postal', '|Jean|75016|12 rue X')).toEqual({
      ok: false,
      reason: 'last name (part 1) is blank',
    });
    expect(repoussoirKey('postal', 'Dupont|Jean|75016| ')).toEqual({
      ok: false,
      reason: 'street line or locality (part 4) is blank',
    });
  });
  it('refuses a control character as a member file does, naming its code point only', () => {
    // The postal key folds it away: a value no file may hold would have been hashed.
    expect(repoussoirKey('postal', 'Dup\u0000ont|Jean|75016|12 av Victor Hugo')).toEqual({
      ok: false,
      reason: 'control character U+0000 in the field',
    });
    expect(repoussoirKey('phone', '06 12 34 56 78\u0085')).toEqual({
      ok: false,
      reason: 'control character U+0085 in the field',
    });
    expect(repoussoirKey('email', 'jean\u007f@exemple.fr')).toEqual({
      ok: false,
      reason: 'control character U+007F in the field',
    });
    // TAB is text, as in a file.
    expect(keyOf('postal', 'Dupont|Jean|75016|12 av\tVictor Hugo')).toBe(
      'DUPONT|JEAN|75016|12 AVENUE VICTOR HUGO',
    );
  });
});

describe('postalRepoussoirKey', () => {
  it('has no key without a last name, postcode or street line or locality', () => {
    const keys = {
      lastNameKey: 'DUPONT',
      firstNameKey: null,
      postcode: '75016',
      placeKey: '12 AVENUE VICTOR HUGO',
    };
    expect(postalRepoussoirKey(keys)).toBe('DUPONT||75016|12 AVENUE VICTOR HUGO');
    expect(postalRepoussoirKey({ ...keys, lastNameKey: null })).toBeNull();
    expect(postalRepoussoirKey({ ...keys, postcode: '' })).toBeNull();
    expect(postalRepoussoirKey({ ...keys, placeKey: null })).toBeNull();
  });
});
