import { type NumberType, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { canonicalPhoneDigits } from './canonical-phone-digits.ts';
import { fieldError, fieldOk, type TFieldResult } from './field-result.ts';

/** A valid phone number in E.164 form, with the kind of line libphonenumber assigns it. */
export interface TPhone {
  e164: string;
  type: TPhoneType;
}

/** Mobile, fixed line, or anything else (VoIP, toll-free, "fixed line or mobile"…). */
export type TPhoneType = 'mobile' | 'fixed' | 'other';

// Calling codes of the French numbering plan: metropolitan France, then Réunion and Mayotte,
// Saint-Pierre-et-Miquelon, Guadeloupe with Saint-Barthélemy and Saint-Martin, French Guiana,
// Martinique. Calling codes are prefix-free, so a `startsWith` test finds the right one.
const FRENCH_PLAN_CALLING_CODES = ['33', '262', '508', '590', '594', '596'];

// A French national number ("0" + 9 digits) reaches an overseas département when it starts
// with one of these prefixes (ARCEP plan; ranges checked against libphonenumber's regions:
// each is valid there with that region as default country and invalid or merely shared in
// FR). Four-digit entries win over three-digit ones. Metropolitan France is tried after
// them, because libphonenumber's FR patterns also cover 0263, 0268, 0269, 0596 and 0598.
// 0508 (Saint-Pierre-et-Miquelon from France) is left out: 0508 xx xx xx is also a valid
// metropolitan number, and libphonenumber reads it so.
const OVERSEAS_CALLING_CODES_BY_NATIONAL_PREFIX: ReadonlyArray<
  readonly [string, readonly string[]]
> = [
  ['262', ['262']],
  ['263', ['262']],
  ['268', ['262']],
  ['269', ['262']],
  ['639', ['262']],
  ['692', ['262']],
  ['693', ['262']],
  ['7092', ['262']],
  ['7093', ['262', '594']],
  ['708', ['508']],
  ['590', ['590']],
  ['5987', ['590']],
  ['690', ['590']],
  ['691', ['590']],
  ['7090', ['590']],
  ['594', ['594']],
  ['5988', ['594']],
  ['694', ['594']],
  ['596', ['596']],
  ['5989', ['596']],
  ['696', ['596']],
  ['697', ['596']],
  ['7091', ['596']],
];
const CALLING_CODES_TO_TRY_BY_NATIONAL_PREFIX: ReadonlyMap<string, readonly string[]> = new Map(
  OVERSEAS_CALLING_CODES_BY_NATIONAL_PREFIX.map(([prefix, codes]) => [prefix, [...codes, '33']]),
);
const METROPOLITAN_ONLY = ['33'];

// Memo of libphonenumber's verdict per numbering class: calling code, first five digits of
// the national significant number, and its length. This is exact for the French plan because
// every national-number pattern of FR, RE, YT, PM, GP, BL, MF, GF and MQ in libphonenumber-js
// metadata.max is a choice over at most the first five digits followed by a fixed-length
// `\d{n}` tail (deepest ones: FR `836(?:0[0-36-9]…)`, RE `2631[0-6]`, `693(?:[06][0-6]…)`,
// `9(?:399[0-3]|479[0-6]|76(?:2[278]|3[0-37]))`, GP `590(?:0[1-68]…)`, GF `694(?:3[0-8])`,
// MQ `9(?:477[6-9]|767[4589])`, PM `708(?:4[0-5]|5[0-6])`), and the region behind a shared
// calling code is chosen from those same patterns. normalize-phone.test.ts re-checks it
// against plain libphonenumber over every five-digit class. Other calling codes are not
// memoised.
const INVALID = 'invalid';
const MAX_MEMOISED_CLASSES = 200_000;
const phoneTypeByNumberingClass = new Map<string, TPhoneType | typeof INVALID>();

/**
 * Checks a phone number with libphonenumber (French formats by default, overseas
 * départements included) and returns its E.164 form and line type; null when blank.
 *
 * @example
 * normalizePhone('06 12 34 56 78') // { ok: true, value: { e164: '+33612345678', type: 'mobile' } }
 */
export function normalizePhone(raw: string): TFieldResult<TPhone | null> {
  if (raw.trim() === '') return fieldOk(null);
  const digits = canonicalPhoneDigits(raw);
  const phone =
    digits === null
      ? null
      : digits.startsWith('+')
        ? classifyInternational(digits.slice(1))
        : classifyWithoutCallingCode(digits);
  return phone === null ? fieldError('not a valid phone number') : fieldOk(phone);
}

function classifyInternational(digits: string): TPhone | null {
  const callingCode = FRENCH_PLAN_CALLING_CODES.find((code) => digits.startsWith(code));
  const nationalNumber = callingCode === undefined ? '' : digits.slice(callingCode.length);
  // A trunk zero kept after the calling code ("+33 06…") is left to libphonenumber.
  if (callingCode === undefined || nationalNumber === '' || nationalNumber.startsWith('0')) {
    return classifyWithLibphonenumber(`+${digits}`);
  }
  return classifyFrenchPlanNumber(callingCode, nationalNumber);
}

function classifyWithoutCallingCode(digits: string): TPhone | null {
  // "0" + 9 digits is the French national format; 9 digits alone are the same number after
  // a spreadsheet dropped the leading zero (libphonenumber reads them so too).
  const nationalNumber =
    digits.length === 10 && digits.startsWith('0')
      ? digits.slice(1)
      : digits.length === 9 && !digits.startsWith('0')
        ? digits
        : null;
  if (nationalNumber === null) {
    // E.164 without its "+" for an overseas number, as some systems store it.
    if (digits.length === 12 && FRENCH_PLAN_CALLING_CODES.some((code) => digits.startsWith(code))) {
      return classifyInternational(digits);
    }
    return classifyWithLibphonenumber(digits, 'FR');
  }
  const callingCodes =
    CALLING_CODES_TO_TRY_BY_NATIONAL_PREFIX.get(nationalNumber.slice(0, 4)) ??
    CALLING_CODES_TO_TRY_BY_NATIONAL_PREFIX.get(nationalNumber.slice(0, 3)) ??
    METROPOLITAN_ONLY;
  for (const callingCode of callingCodes) {
    const phone = classifyFrenchPlanNumber(callingCode, nationalNumber);
    if (phone !== null) return phone;
  }
  return null;
}

function classifyFrenchPlanNumber(callingCode: string, nationalNumber: string): TPhone | null {
  const e164 = `+${callingCode}${nationalNumber}`;
  const numberingClass = `${callingCode}:${nationalNumber.slice(0, 5)}:${nationalNumber.length}`;
  const known = phoneTypeByNumberingClass.get(numberingClass);
  if (known !== undefined) return known === INVALID ? null : { e164, type: known };
  const phone = classifyWithLibphonenumber(e164);
  // Never expected, but a number libphonenumber rewrites is not of a class: do not memoise it.
  if (phone !== null && phone.e164 !== e164) return phone;
  if (phoneTypeByNumberingClass.size >= MAX_MEMOISED_CLASSES) phoneTypeByNumberingClass.clear();
  phoneTypeByNumberingClass.set(numberingClass, phone === null ? INVALID : phone.type);
  return phone;
}

function classifyWithLibphonenumber(text: string, defaultCountry?: 'FR'): TPhone | null {
  const phoneNumber = parsePhoneNumberFromString(text, defaultCountry);
  if (phoneNumber === undefined || !phoneNumber.isValid()) return null;
  return { e164: phoneNumber.number, type: phoneTypeOf(phoneNumber.getType()) };
}

function phoneTypeOf(numberType: NumberType): TPhoneType {
  if (numberType === 'MOBILE') return 'mobile';
  if (numberType === 'FIXED_LINE') return 'fixed';
  return 'other';
}
