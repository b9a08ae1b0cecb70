import { foldText } from './fold-text.ts';
import { normalizePostcode } from './normalize-postcode.ts';
import type { TStreetLine } from './parse-street-line.ts';
import { STREET_NAME_ABBREVIATIONS } from './street-name-words.ts';
import { abbreviateStreetType } from './street-types.ts';

/** NF Z10-011: at most 38 characters per address line, spaces included. */
export const addressLineLength = 38;

/** The parts of a French postal address, as normalised from a member file. */
export interface TPostalAddressInput {
  civility: 'M' | 'MME' | null;
  firstName: string | null;
  lastName: string | null;
  complement: string | null;
  building: string | null;
  street: TStreetLine | null;
  locality: string | null;
  postcode: string | null;
  city: string | null;
}

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const LIGATURES: Record<string, string> = { Œ: 'OE', Æ: 'AE', ẞ: 'SS' };
// Lines 1–3 may keep the punctuation of names (`D'ARC`, `JEAN-PIERRE`, `C/O`).
const NOT_KEPT_IN_RECIPIENT_LINES = /[^A-Z0-9'\-/ ]+/g;
const SPACES = /\s+/g;

/**
 * Lays out a French postal address block (NF Z10-011): up to 6 upper-case, unaccented
 * lines of at most 38 characters, empty lines left out — recipient, complement,
 * building, number and street, locality, `POSTCODE CITY`. Lines 4–6 carry no
 * punctuation; lines 1–3 keep apostrophes, hyphens and slashes. The street is written
 * with its full type and abbreviated only when longer than 38 (type first, then the
 * name's words one kind at a time until it fits: SAINT → ST, NOTRE DAME → ND,
 * GENERAL → GEN...); a line still too long is cut at 38 characters. A long city gets
 * SAINT/SAINTE → ST/STE; a long recipient line gives up the first name for its initial.
 *
 * @example
 * formatPostalAddress({ civility: 'M', firstName: 'Jean', lastName: 'Dupont', complement: null,
 *   building: null, street: parseStreetLine('12 av Victor Hugo'), locality: null,
 *   postcode: '75016', city: 'Paris' })
 * // ['M JEAN DUPONT', '12 AVENUE VICTOR HUGO', '75016 PARIS']
 */
export function formatPostalAddress(input: TPostalAddressInput): string[] {
  const lines = [
    recipientLine(input),
    cut(recipientText(input.complement ?? '')),
    cut(recipientText(input.building ?? '')),
    input.street === null ? '' : streetLine(input.street),
    cut(foldText(input.locality ?? '')),
    postcodeCityLine(input.postcode, input.city),
  ];
  return lines.filter((line) => line !== '');
}

function recipientLine(input: TPostalAddressInput): string {
  const lastName = recipientText(input.lastName ?? '');
  const firstName = recipientText(input.firstName ?? '');
  const civility = input.civility ?? '';
  if (lastName === '' && firstName === '') return '';
  const full = joinWords([civility, firstName, lastName]);
  if (full.length <= addressLineLength) return full;
  return cut(joinWords([civility, firstName.slice(0, 1), lastName]));
}

function streetLine(street: TStreetLine): string {
  const numberPart = joinWords([street.houseNumber ?? '', street.numberSuffix ?? '']);
  const full = joinWords([numberPart, street.streetType ?? '', street.streetName]);
  if (full.length <= addressLineLength) return full;
  const streetType = street.streetType === null ? '' : abbreviateStreetType(street.streetType);
  let name = street.streetName;
  let line = joinWords([numberPart, streetType, name]);
  for (const [word, abbreviation] of STREET_NAME_ABBREVIATIONS) {
    if (line.length <= addressLineLength) break;
    name = abbreviateWord(name, word, abbreviation);
    line = joinWords([numberPart, streetType, name]);
  }
  return cut(line);
}

function postcodeCityLine(postcode: string | null, city: string | null): string {
  const normalized = normalizePostcode(postcode ?? '');
  const postcodeText = normalized.ok ? (normalized.value ?? '') : foldText(postcode ?? '');
  let cityText = foldText(city ?? '');
  let line = joinWords([postcodeText, cityText]);
  for (const word of ['SAINT', 'SAINTE']) {
    if (line.length <= addressLineLength) break;
    cityText = abbreviateWord(cityText, word, STREET_NAME_ABBREVIATIONS.get(word)!);
    line = joinWords([postcodeText, cityText]);
  }
  return cut(line);
}

/** Upper case, unaccented, punctuation reduced to what names need. */
function recipientText(raw: string): string {
  return raw
    .toUpperCase()
    .replace(/[ŒÆẞ]/g, (ligature) => LIGATURES[ligature] ?? ligature)
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(/[’`´]/g, "'")
    .replace(NOT_KEPT_IN_RECIPIENT_LINES, ' ')
    .replace(SPACES, ' ')
    .trim();
}

function abbreviateWord(text: string, word: string, abbreviation: string): string {
  return text.replace(new RegExp(`(?<=^| )${word}(?= |$)`, 'g'), abbreviation);
}

function joinWords(parts: readonly string[]): string {
  return parts.filter((part) => part !== '').join(' ');
}

function cut(line: string): string {
  return line.length <= addressLineLength ? line : line.slice(0, addressLineLength).trimEnd();
}
