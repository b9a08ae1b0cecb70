import { fieldError, fieldOk, type TFieldResult } from './field-result.ts';

/** Decimal separator a member's dialect profile declares. */
export type TDecimalSeparator = '.' | ',';

// Sign, integer part, optional decimals, optional trailing euro sign. The integer part is
// either plain digits or groups of three split by one thousands separator used throughout
// (space, no-break space, narrow no-break space, or the other punctuation mark).
const AMOUNT_WITH_DECIMAL_COMMA =
  /^([+-]?)(\d+|\d{1,3}(?:([ \u00a0\u202f.])\d{3})(?:\3\d{3})*)(?:,(\d+))?(?:\s*(?:€|eur))?$/i;
const AMOUNT_WITH_DECIMAL_POINT =
  /^([+-]?)(\d+|\d{1,3}(?:([ \u00a0\u202f,])\d{3})(?:\3\d{3})*)(?:\.(\d+))?(?:\s*(?:€|eur))?$/i;
const THOUSANDS_SEPARATORS = /[ \u00a0\u202f.,]/g;

const MAX_ABSOLUTE_AMOUNT = 1_000_000;

/**
 * Parses an amount in euros written with the member's decimal separator, rounded to the cent.
 *
 * @example
 * parseAmount('1 234,50 €', ',') // { ok: true, value: 1234.5 }
 */
export function parseAmount(
  raw: string,
  decimalSeparator: TDecimalSeparator,
): TFieldResult<number> {
  const text = raw.trim();
  if (text === '') return fieldError('missing amount');
  const parts = (
    decimalSeparator === ',' ? AMOUNT_WITH_DECIMAL_COMMA : AMOUNT_WITH_DECIMAL_POINT
  ).exec(text);
  if (parts === null) return fieldError('not a number');
  const [, sign = '', integerPart = '', , decimals] = parts;
  const magnitude = Number(
    `${integerPart.replace(THOUSANDS_SEPARATORS, '')}${decimals === undefined ? '' : `.${decimals}`}`,
  );
  const cents = Math.round(magnitude * 100);
  if (cents > MAX_ABSOLUTE_AMOUNT * 100) return fieldError('amount out of range');
  // Rounding the magnitude, then applying the sign, keeps -0.005 and 0.005 symmetric and avoids -0.
  const amount = cents / 100;
  return fieldOk(sign === '-' && cents !== 0 ? -amount : amount);
}
