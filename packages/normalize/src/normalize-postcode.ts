import { fieldError, fieldOk, type TFieldResult } from './field-result.ts';

const SPACES = /\s+/g;
const FIVE_DIGITS = /^\d{5}$/;
const FOUR_DIGITS = /^\d{4}$/;

/**
 * Normalises a French postcode to 5 digits: blank → null, inner spaces removed, a
 * 4-digit code gets back the leading zero a spreadsheet dropped (`1000` → `01000`).
 * Corsica (20xxx) and overseas (97xxx, 98xxx) codes are plain 5-digit codes.
 *
 * @example
 * normalizePostcode(' 1000 ') // { ok: true, value: '01000' }
 */
export function normalizePostcode(raw: string): TFieldResult<string | null> {
  const compact = raw.replace(SPACES, '');
  if (compact === '') return fieldOk(null);
  if (FIVE_DIGITS.test(compact)) return fieldOk(compact);
  if (FOUR_DIGITS.test(compact)) return fieldOk(`0${compact}`);
  return fieldError('not a 5-digit postcode');
}
