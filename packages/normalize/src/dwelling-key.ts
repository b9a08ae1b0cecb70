import { foldText } from './fold-text.ts';
import { normalizePostcode } from './normalize-postcode.ts';
import type { TStreetLine } from './parse-street-line.ts';

/** What identifies a delivery point: the commune (or postcode) and the street or locality. */
export interface TAddressMatchKeyInput {
  postcode: string | null;
  inseeCode: string | null;
  street: TStreetLine | null;
  locality: string | null;
}

// Spellings of the words that describe where a flat is, folded to one word each.
const DWELLING_WORDS: ReadonlyMap<string, string> = new Map([
  ['APPARTEMENT', 'APPARTEMENT'],
  ['APPT', 'APPARTEMENT'],
  ['APPART', 'APPARTEMENT'],
  ['APT', 'APPARTEMENT'],
  ['APP', 'APPARTEMENT'],
  ['AP', 'APPARTEMENT'],
  ['BATIMENT', 'BATIMENT'],
  ['BAT', 'BATIMENT'],
  ['BT', 'BATIMENT'],
  ['BTM', 'BATIMENT'],
  ['ETAGE', 'ETAGE'],
  ['ETG', 'ETAGE'],
  ['ESCALIER', 'ESCALIER'],
  ['ESC', 'ESCALIER'],
  ['RESIDENCE', 'RESIDENCE'],
  ['RES', 'RESIDENCE'],
  ['RESID', 'RESIDENCE'],
  ['PORTE', 'PORTE'],
  ['PTE', 'PORTE'],
]);
const NUMBER_MARKERS: ReadonlySet<string> = new Set(['N', 'NO', 'NUM', 'NUMERO']);
const LETTERS_THEN_DIGITS = /^([A-Z]+)(\d+)$/;
const ORDINAL = /^(\d+)(?:E|ER|ERE|EME|IEME)$/;
const DIGITS = /^\d+$/;

/**
 * The key of a delivery point: `inseeCode (or postcode)|street match key`, or the
 * locality's `dwellingPartKey` (lieu-dit, prefixed with the house number if any) when the street
 * line has no street name. Null without a commune/postcode or without a street or
 * locality. The locality is ignored when there is a street, so records that omit it
 * still meet.
 *
 * @example
 * addressMatchKey({ postcode: '75016', inseeCode: '75116', street: parseStreetLine('12 av Victor Hugo'), locality: null })
 * // '75116|12 AVENUE VICTOR HUGO'
 */
export function addressMatchKey(input: TAddressMatchKeyInput): string | null {
  const postcode = normalizePostcode(input.postcode ?? '');
  const place = input.inseeCode ?? (postcode.ok ? postcode.value : null);
  if (place === null || place === '') return null;
  const street = input.street;
  if (street !== null && street.streetName !== '') return `${place}|${street.matchKey}`;
  const locality = dwellingPartKey(input.locality);
  if (locality === null) return null;
  const numberPart = `${street?.houseNumber ?? ''}${street?.numberSuffix ?? ''}`;
  return `${place}|${numberPart === '' ? locality : `${numberPart} ${locality}`}`;
}

/**
 * The key of one dwelling: the address key plus the building and the flat, with their
 * usual spellings made equal (`APT 12` = `APPARTEMENT 12`, `BAT A` = `BATIMENT A`,
 * `3EME ETAGE` = `3 ETAGE`). Null when the address key is null.
 *
 * @example
 * dwellingKey('75116|12 AVENUE VICTOR HUGO', 'Bât. A', 'Appt 12')
 * // '75116|12 AVENUE VICTOR HUGO|BATIMENT A|APPARTEMENT 12'
 */
export function dwellingKey(
  addressKey: string | null,
  building: string | null,
  complement: string | null,
): string | null {
  if (addressKey === null) return null;
  return `${addressKey}|${dwellingPartKey(building) ?? ''}|${dwellingPartKey(complement) ?? ''}`;
}

/**
 * One address part (building, complement, locality) folded for keys, with the usual
 * spellings of APPARTEMENT, BATIMENT, ETAGE, ESCALIER, RESIDENCE, PORTE made equal;
 * null when blank.
 *
 * @example
 * dwellingPartKey('Appt n° 12, 3ème étage') // 'APPARTEMENT 12 3 ETAGE'
 */
export function dwellingPartKey(raw: string | null): string | null {
  if (raw === null) return null;
  const folded = foldText(raw);
  if (folded === '') return null;
  const words: string[] = [];
  for (const word of folded.split(' ')) {
    const glued = LETTERS_THEN_DIGITS.exec(word);
    if (glued !== null && DWELLING_WORDS.has(glued[1]!)) {
      words.push(DWELLING_WORDS.get(glued[1]!)!, glued[2]!);
      continue;
    }
    const ordinal = ORDINAL.exec(word);
    words.push(ordinal === null ? (DWELLING_WORDS.get(word) ?? word) : ordinal[1]!);
  }
  // `APT N° 12`: the number marker carries nothing.
  return words
    .filter((word, at) => !(NUMBER_MARKERS.has(word) && DIGITS.test(words[at + 1] ?? '')))
    .join(' ');
}
