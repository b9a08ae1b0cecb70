import type { TPhoneFormat } from './member-profiles.ts';

// Overseas départements dial their own country codes from abroad, not +33.
const OVERSEAS_COUNTRY_CODES: readonly (readonly [string, string])[] = [
  ['0590', '590'],
  ['0690', '590'],
  ['0691', '590'],
  ['0596', '596'],
  ['0696', '596'],
  ['0697', '596'],
  ['0594', '594'],
  ['0694', '594'],
  ['0262', '262'],
  ['0692', '262'],
  ['0693', '262'],
  ['0269', '262'],
  ['0639', '262'],
];

const pairs = (digits: string): string => digits.replace(/(\d{2})(?=\d)/g, '$1 ');

/**
 * Writes a national 10-digit number the way French files do: `06 12 34 56 78`,
 * `0612345678`, `+33 6 12 34 56 78`, `06.12.34.56.78`, `+33612345678`,
 * `0033 6 12 34 56 78`, `06-12-34-56-78` (overseas numbers get +590, +262…).
 *
 * @example
 * formatPhone('0612345678', 'international_spaced') // '+33 6 12 34 56 78'
 */
export function formatPhone(national: string, format: TPhoneFormat): string {
  switch (format) {
    case 'spaced':
      return pairs(national);
    case 'compact':
      return national;
    case 'dotted':
      return pairs(national).replaceAll(' ', '.');
    case 'dashed':
      return pairs(national).replaceAll(' ', '-');
    default: {
      const overseas = OVERSEAS_COUNTRY_CODES.find(([prefix]) => national.startsWith(prefix));
      const countryCode = overseas ? overseas[1] : '33';
      const subscriber = national.slice(1);
      const spaced = overseas
        ? `${subscriber.slice(0, 3)} ${pairs(subscriber.slice(3))}`
        : `${subscriber.charAt(0)} ${pairs(subscriber.slice(1))}`;
      if (format === 'international_compact') return `+${countryCode}${subscriber}`;
      if (format === 'international_00') return `00${countryCode} ${spaced}`;
      return `+${countryCode} ${spaced}`;
    }
  }
}
