import { seededRandom } from '@alliage/domain/testing';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { normalizePhone, type TPhone } from './normalize-phone.ts';

const invalid = { ok: false, reason: 'not a valid phone number' };

function phone(e164: string, type: TPhone['type']) {
  return { ok: true, value: { e164, type } };
}

// Deterministic pseudo-random digits, so a failure can be replayed.
function seededDigits(seed: number): (count: number) => string {
  const random = seededRandom(seed);
  return (count) => Array.from({ length: count }, () => String(Math.floor(random() * 10))).join('');
}

function plainLibphonenumber(text: string, defaultCountry?: CountryCode): TPhone | null {
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  if (parsed === undefined || !parsed.isValid()) return null;
  const numberType = parsed.getType();
  const type = numberType === 'MOBILE' ? 'mobile' : numberType === 'FIXED_LINE' ? 'fixed' : 'other';
  return { e164: parsed.number, type };
}

function normalizedPhone(raw: string): TPhone | null {
  const result = normalizePhone(raw);
  return result.ok ? result.value : null;
}

describe('normalizePhone', () => {
  it('returns null for a blank phone', () => {
    expect(normalizePhone('')).toEqual({ ok: true, value: null });
    expect(normalizePhone(' \u00a0 ')).toEqual({ ok: true, value: null });
  });

  it.each([
    '06 12 34 56 78',
    '0612345678',
    '06.12.34.56.78',
    '06-12-34-56-78',
    '+33 6 12 34 56 78',
    '+33 (0)6 12 34 56 78',
    '+33 06 12 34 56 78',
    '0033612345678',
    '0033 (0)6 12 34 56 78',
    '33612345678',
    '612345678',
  ])('reads the French mobile %j', (raw) => {
    expect(normalizePhone(raw)).toEqual(phone('+33612345678', 'mobile'));
  });

  it('tells fixed lines, mobiles and other numbers apart in metropolitan France', () => {
    expect(normalizePhone('01 42 76 40 40')).toEqual(phone('+33142764040', 'fixed'));
    expect(normalizePhone('07 81 23 45 67')).toEqual(phone('+33781234567', 'mobile'));
    expect(normalizePhone('09 51 23 45 67')).toEqual(phone('+33951234567', 'other'));
    expect(normalizePhone('0 800 12 34 56')).toEqual(phone('+33800123456', 'other'));
  });

  it('reads Corsican numbers as metropolitan ones', () => {
    expect(normalizePhone('04 95 21 43 10')).toEqual(phone('+33495214310', 'fixed'));
    expect(normalizePhone('04.20.03.12.34')).toEqual(phone('+33420031234', 'fixed'));
  });

  it.each([
    ['0692 12 34 56', '+262692123456', 'mobile'],
    ['0693 12 34 56', '+262693123456', 'mobile'],
    ['0262 41 23 45', '+262262412345', 'fixed'],
    ['0263 01 23 45', '+262263012345', 'fixed'],
    ['0269 61 23 45', '+262269612345', 'fixed'],
    ['0639 21 23 45', '+262639212345', 'mobile'],
    ['0590 82 12 34', '+590590821234', 'fixed'],
    ['0590 27 12 34', '+590590271234', 'fixed'],
    ['0690 12 34 56', '+590690123456', 'mobile'],
    ['0594 30 12 34', '+594594301234', 'fixed'],
    ['0694 20 12 34', '+594694201234', 'mobile'],
    ['0596 61 12 34', '+596596611234', 'fixed'],
    ['0696 12 34 56', '+596696123456', 'mobile'],
    ['0697 12 34 56', '+596697123456', 'mobile'],
    ['0709 00 12 34', '+590709001234', 'mobile'],
    ['692 12 34 56', '+262692123456', 'mobile'],
    ['+262 692 12 34 56', '+262692123456', 'mobile'],
    ['00 590 690 12 34 56', '+590690123456', 'mobile'],
    ['262692123456', '+262692123456', 'mobile'],
    ['+508 41 23 45', '+508412345', 'fixed'],
    ['+508 55 12 34', '+508551234', 'mobile'],
  ] as const)('reads the overseas number %j', (raw, e164, type) => {
    expect(normalizePhone(raw)).toEqual(phone(e164, type));
  });

  it('leaves 0508 numbers in metropolitan France, as libphonenumber does', () => {
    expect(normalizePhone('05 08 41 23 45')).toEqual(phone('+33508412345', 'fixed'));
  });

  it.each([
    ['+32 470 12 34 56', '+32470123456', 'mobile'],
    ['+32 (0)2 555 12 12', '+3225551212', 'fixed'],
    ['+41 79 123 45 67', '+41791234567', 'mobile'],
    ['0041 22 345 67 89', '+41223456789', 'fixed'],
    ['+44 7911 123456', '+447911123456', 'mobile'],
    ['+1 212 555 0123', '+12125550123', 'other'],
  ] as const)('reads the foreign number %j', (raw, e164, type) => {
    expect(normalizePhone(raw)).toEqual(phone(e164, type));
  });

  it.each([
    '06 12 34 56',
    '06 12 34 56 78 9',
    '00 00 00 00 00',
    '01',
    '+33 6 12',
    '+33 692 12 34 56',
    '+262 612 34 56 78',
    'tél : 06 12 34 56 78',
    '06 12 34 56 78 poste 12',
    'inconnu',
    '+999 123 456 789',
  ])('refuses %j without quoting it', (raw) => {
    expect(normalizePhone(raw)).toEqual(invalid);
  });

  it('agrees with plain libphonenumber on every numbering class of the French plan', () => {
    const randomDigits = seededDigits(20_240_301);
    const numbers: Array<[string, string]> = [];
    // Metropolitan France: every five-digit class, twice with different tails.
    for (let prefix = 10_000; prefix <= 99_999; prefix++) {
      numbers.push(['33', `${prefix}${randomDigits(4)}`], ['33', `${prefix}${randomDigits(4)}`]);
    }
    // Overseas: every five-digit class under the two-digit ranges their patterns use (a
    // full scan of all 5-digit prefixes found no other), plus random numbers elsewhere.
    const overseasRanges = [26, 59, 63, 69, 70, 80, 81, 82, 88, 89, 93, 94, 97];
    for (const callingCode of ['262', '590', '594', '596']) {
      for (const range of overseasRanges) {
        for (let rest = 0; rest <= 999; rest++) {
          const prefix = `${range}${String(rest).padStart(3, '0')}`;
          numbers.push(
            [callingCode, `${prefix}${randomDigits(4)}`],
            [callingCode, `${prefix}${randomDigits(4)}`],
          );
        }
      }
      for (let sample = 0; sample < 4_000; sample++) {
        numbers.push([callingCode, `${1 + (Number(randomDigits(1)) % 9)}${randomDigits(8)}`]);
      }
    }
    // Saint-Pierre-et-Miquelon has six- and nine-digit numbers.
    for (let sample = 0; sample < 10_000; sample++) {
      numbers.push(['508', `${1 + (Number(randomDigits(1)) % 9)}${randomDigits(5)}`]);
      numbers.push(['508', `${70 + (Number(randomDigits(1)) % 30)}${randomDigits(7)}`]);
    }
    // Wrong lengths in every calling code.
    for (const callingCode of ['33', '262', '508', '590', '594', '596']) {
      for (const length of [4, 5, 7, 8, 10, 11, 12]) {
        for (let sample = 0; sample < 300; sample++) {
          numbers.push([
            callingCode,
            `${1 + (Number(randomDigits(1)) % 9)}${randomDigits(length - 1)}`,
          ]);
        }
      }
    }
    expect(numbers.length).toBeGreaterThan(50_000);

    const disagreements: string[] = [];
    for (const [callingCode, nationalNumber] of numbers) {
      const expected = plainLibphonenumber(`+${callingCode}${nationalNumber}`);
      const actual = normalizedPhone(`+${callingCode} ${nationalNumber}`);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        disagreements.push(`+${callingCode} ${nationalNumber}`);
      }
    }
    expect(disagreements.slice(0, 20)).toEqual([]);
  });

  it('routes national numbers to the overseas département that libphonenumber knows them in', () => {
    // Reference, independent of the prefix table: a fixed or mobile number in one overseas
    // region (parsed with that region as default) wins; otherwise the FR reading decides.
    // 08 and 09 numbers are not geographic anywhere in the plan (overseas metadata lists
    // 0806–0809 as fixed lines of GP, GF and MQ alike), so they stay metropolitan.
    const overseasRegions: CountryCode[] = ['RE', 'YT', 'GP', 'BL', 'MF', 'GF', 'MQ', 'PM'];
    const overseasRanges = new Set([26, 59, 63, 69, 70]);
    const randomDigits = seededDigits(1_789);
    const disagreements: string[] = [];
    for (let prefix = 10_000; prefix <= 99_999; prefix++) {
      const national = `0${prefix}${randomDigits(4)}`;
      let expected: TPhone | null = null;
      if (overseasRanges.has(Math.floor(prefix / 1000))) {
        const overseas = overseasRegions
          .map((region) => plainLibphonenumber(national, region))
          .filter((found) => found !== null && found.type !== 'other');
        expected = overseas[0] ?? null;
        if (overseas.some((found) => found?.e164 !== expected?.e164)) {
          disagreements.push(`ambiguous ${national}`);
        }
      }
      expected ??= plainLibphonenumber(national, 'FR');
      if (JSON.stringify(normalizedPhone(national)) !== JSON.stringify(expected)) {
        disagreements.push(national);
      }
      if (JSON.stringify(normalizedPhone(national.slice(1))) !== JSON.stringify(expected)) {
        disagreements.push(`without its zero: ${national}`);
      }
    }
    expect(disagreements.slice(0, 20)).toEqual([]);
  });
});
