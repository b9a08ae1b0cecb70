import { fieldError, fieldOk, type TFieldResult } from './field-result.ts';
import { controlCharacterReason, findControlCharacter } from './find-control-character.ts';
import { normalizeEmail } from './normalize-email.ts';
import { normalizePersonName } from './normalize-person-name.ts';
import { normalizePhone } from './normalize-phone.ts';
import { normalizePostcode } from './normalize-postcode.ts';
import { postalPlaceKey } from './postal-place-key.ts';

/** The kinds of contact point a repoussoir (do-not-contact) entry can name. */
export type TRepoussoirKeyKind = 'email' | 'phone' | 'postal';

/** A member record's normalised fields that make its postal identity. */
export interface TPostalIdentityKeys {
  /** `normalizePersonName(last_name).match` (warehouse column `last_name_key`). */
  lastNameKey: string | null;
  /** `normalizePersonName(first_name).match` (`first_name_key`); null or '' when unknown. */
  firstNameKey: string | null;
  /** `normalizePostcode(postcode)`: 5 digits (`postcode`). */
  postcode: string | null;
  /**
   * `postalPlaceKey(street, address_locality)`: the street line's key, or for an address
   * with no street line (lieu-dit) the locality's (`postal_place_key` of the staged rows).
   */
  placeKey: string | null;
}

const POSTAL_SEPARATOR = '|';
const POSTAL_FORMAT =
  'must be LAST NAME|FIRST NAME|POSTCODE|STREET LINE or LOCALITY (4 parts separated by |)';

/**
 * The canonical string a repoussoir entry hashes (HMAC) for a contact point, normalised
 * exactly as member data is, so every spelling of one contact point gives one key:
 * - `email`: `normalizeEmail` (trimmed, lower case);
 * - `phone`: `normalizePhone(...).e164` (`+33 6 12 34 56 78` and `06.12.34.56.78` meet);
 * - `postal`: the value is `LAST NAME|FIRST NAME|POSTCODE|STREET LINE` (four parts
 *   separated by `|`, first name may be empty, street line as on line 4 of the address;
 *   for an address with no street line — a lieu-dit — the locality, after the house
 *   number if there is one), and the key is `postalRepoussoirKey` of those parts once
 *   normalised, part 4 as `postalPlaceKey` reads a street line.
 * A value holding a control character (`CONTROL_CHARACTER`) is refused for that reason
 * alone, as a member file's field is: the postal key would fold it away and hash a value
 * no file may hold. Reasons name the part that failed, never the value.
 *
 * @example
 * repoussoirKey('phone', '06.12.34.56.78') // { ok: true, value: '+33612345678' }
 * repoussoirKey('postal', 'Dupont|Jean|75016|12 av Victor Hugo')
 * // { ok: true, value: 'DUPONT|JEAN|75016|12 AVENUE VICTOR HUGO' }
 * repoussoirKey('postal', 'Martin|Paul|24200|LD Les Granges')
 * // { ok: true, value: 'MARTIN|PAUL|24200|LIEU DIT LES GRANGES' }
 */
export function repoussoirKey(kind: TRepoussoirKeyKind, value: string): TFieldResult<string> {
  const control = findControlCharacter(value);
  if (control !== null) return fieldError(controlCharacterReason(control));
  if (kind === 'email') {
    const email = normalizeEmail(value);
    if (!email.ok) return email;
    return email.value === null ? fieldError('email is blank') : fieldOk(email.value);
  }
  if (kind === 'phone') {
    const phone = normalizePhone(value);
    if (!phone.ok) return phone;
    return phone.value === null ? fieldError('phone is blank') : fieldOk(phone.value.e164);
  }
  return postalKeyFromValue(value);
}

/**
 * The postal repoussoir key of a member record, from the fields the normalisers gave it,
 * so the pool computes exactly what `repoussoirKey('postal', …)` hashed:
 * `LASTNAMEKEY|FIRSTNAMEKEY|POSTCODE|PLACEKEY`; null when the last name, postcode or
 * place (street line, else locality) is missing (no postal identity). SQL mirror:
 * `last_name_key || '|' || coalesce(first_name_key, '') || '|' || postcode || '|' || postal_place_key`.
 *
 * @example
 * postalRepoussoirKey({ lastNameKey: 'DUPONT', firstNameKey: 'JEAN', postcode: '75016',
 *   placeKey: '12 AVENUE VICTOR HUGO' }) // 'DUPONT|JEAN|75016|12 AVENUE VICTOR HUGO'
 */
export function postalRepoussoirKey(keys: TPostalIdentityKeys): string | null {
  const { lastNameKey, firstNameKey, postcode, placeKey } = keys;
  if (!lastNameKey || !postcode || !placeKey) return null;
  return [lastNameKey, firstNameKey ?? '', postcode, placeKey].join(POSTAL_SEPARATOR);
}

function postalKeyFromValue(value: string): TFieldResult<string> {
  const parts = value.split(POSTAL_SEPARATOR);
  if (parts.length !== 4) return fieldError(POSTAL_FORMAT);
  const [lastName = '', firstName = '', rawPostcode = '', place = ''] = parts;
  const lastNameKey = normalizePersonName(lastName)?.match ?? null;
  if (lastNameKey === null) return fieldError('last name (part 1) is blank');
  const postcode = normalizePostcode(rawPostcode);
  if (!postcode.ok) return fieldError(`postcode (part 3): ${postcode.reason}`);
  if (postcode.value === null) return fieldError('postcode (part 3) is blank');
  // Read as a record's street line with no locality beside it: a lieu-dit's locality
  // given here keys as the record's locality does (postalPlaceKey).
  const placeKey = postalPlaceKey(place, null);
  if (placeKey === null) return fieldError('street line or locality (part 4) is blank');
  const key = postalRepoussoirKey({
    lastNameKey,
    firstNameKey: normalizePersonName(firstName)?.match ?? null,
    postcode: postcode.value,
    placeKey,
  });
  // Unreachable: every part was checked above; kept so the types need no assertion.
  return key === null ? fieldError(POSTAL_FORMAT) : fieldOk(key);
}
