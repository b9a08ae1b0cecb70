// Characters people put between the digits of a phone number ("06 12 34 56 78", "06.12…",
// "06-12…", "06/12…", "(0)6…"), including the no-break spaces spreadsheets write.
const SEPARATORS = new Set([' ', '\t', '\u00a0', '\u202f', '.', '-', '/', '(', ')']);

/**
 * The digits of a phone number, with a leading `+` when it is written internationally
 * (`+` or `00`), and without the `(0)` some write after the country code; null when
 * anything other than digits, one leading `+` and separators is present.
 *
 * @example
 * canonicalPhoneDigits('+33 (0)6 12 34 56 78') // '+33612345678'
 */
export function canonicalPhoneDigits(raw: string): string | null {
  let digits = '';
  let international = false;
  for (let index = 0; index < raw.length; index++) {
    const character = raw.charAt(index);
    if (character >= '0' && character <= '9') {
      digits += character;
    } else if (character === '+') {
      if (international || digits !== '') return null;
      international = true;
    } else if (
      character === '(' &&
      raw.charAt(index + 1) === '0' &&
      raw.charAt(index + 2) === ')' &&
      (international || digits.startsWith('00')) &&
      digits.length > (international ? 0 : 2)
    ) {
      // "+33 (0)6…": the trunk zero in brackets is dialled only from inside the country.
      index += 2;
    } else if (!SEPARATORS.has(character)) {
      return null;
    }
  }
  if (!international && digits.startsWith('00')) {
    international = true;
    digits = digits.slice(2);
  }
  if (digits === '') return null;
  return international ? `+${digits}` : digits;
}
