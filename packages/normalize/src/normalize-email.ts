import { fieldError, fieldOk, type TFieldResult } from './field-result.ts';

/**
 * Syntax of a normalised (trimmed, lower-case) email address. Written for RE2 too (no
 * lookaround, no backreference) so DuckDB can run `EMAIL_SYNTAX.source` with
 * `regexp_full_match`. The SQL mirror adds the two length rules the pattern cannot hold:
 * at most 254 characters in all and at most 64 before the `@`.
 *
 * @example
 * EMAIL_SYNTAX.test('marie.dupont@exemple.fr') // true
 */
export const EMAIL_SYNTAX =
  /^[a-z0-9_%+'-]+(?:\.[a-z0-9_%+'-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;

/**
 * Trims and lower-cases an email address and checks its syntax; null when blank.
 *
 * @example
 * normalizeEmail(' Marie.Dupont@Exemple.FR ') // { ok: true, value: 'marie.dupont@exemple.fr' }
 */
export function normalizeEmail(raw: string): TFieldResult<string | null> {
  const email = raw.trim().toLowerCase();
  if (email === '') return fieldOk(null);
  if (
    email.length > MAX_EMAIL_LENGTH ||
    email.indexOf('@') > MAX_LOCAL_PART_LENGTH ||
    !EMAIL_SYNTAX.test(email)
  ) {
    return fieldError('not a valid email address');
  }
  return fieldOk(email);
}
