import { AppError } from '@alliage/domain';

const E164 = /^\+[1-9]\d{6,14}$/;
const FRENCH_NATIONAL_DIGITS = 9;

/**
 * Writes an E.164 number the way a French call centre dials it, never with a leading
 * `+` (a spreadsheet formula trigger that the CSV would otherwise neutralise with an
 * apostrophe): `+33` numbers in national form `0612345678`, every other country with
 * the international prefix `00` (`+32470123456` → `0032470123456`).
 *
 * @example
 * formatDeliveryPhone('+33612345678') // '0612345678'
 * formatDeliveryPhone('+32470123456') // '0032470123456'
 */
export function formatDeliveryPhone(e164: string): string {
  if (!E164.test(e164)) {
    // The value is a phone number: it must not reach the message.
    throw new AppError('validation_failed', 'delivery phone is not an E.164 number');
  }
  const digits = e164.slice(1);
  if (digits.startsWith('33') && digits.length === 2 + FRENCH_NATIONAL_DIGITS) {
    return `0${digits.slice(2)}`;
  }
  return `00${digits}`;
}
