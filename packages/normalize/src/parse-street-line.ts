import { foldText } from './fold-text.ts';
import { expandStreetNameWords } from './street-name-words.ts';
import { streetTypeAt } from './street-types.ts';

/** Line 4 of a French address (number and street), split and normalised for matching. */
export interface TStreetLine {
  /** Digits only, without leading zeros (`12`); the first number of a range `12-14`. */
  houseNumber: string | null;
  /** `BIS`, `TER`, `QUATER`, `QUINQUIES` as words, or a single letter (`B`) as written. */
  numberSuffix: string | null;
  /** Canonical full street type (`AVENUE`), null when the line has none (`LE BOURG`). */
  streetType: string | null;
  /** Folded street name with word abbreviations expanded (`SAINT`, `GENERAL`...). */
  streetName: string;
  /** `12BIS AVENUE VICTOR HUGO`: equal for every spelling of the same street address. */
  matchKey: string;
}

const NUMBER_AND_LETTERS = /^(\d+)([A-Z]*)$/;
const DIGITS = /^\d+$/;
const RANGE_END = /^\d+[A-Z]?$/;
const SINGLE_LETTER = /^[A-Z]$/;
const WORD_SUFFIXES: ReadonlySet<string> = new Set(['BIS', 'TER', 'QUATER', 'QUINQUIES']);
// La Poste's abbreviations of the repetition indices: `13 B` is `13 BIS`, `4 T` is `4 TER`.
const LETTER_FOR_WORD: Readonly<Record<string, string>> = { B: 'BIS', T: 'TER', Q: 'QUATER' };
const NUMBER_MARKERS: ReadonlySet<string> = new Set(['N', 'NO', 'NUM', 'NUMERO']);
const RANGE_LINKS: ReadonlySet<string> = new Set(['A', 'AU', 'ET']);
// `12 L'ESPLANADE`: an L or D followed by an apostrophe is an article, not a suffix.
const ARTICLE_AFTER_NUMBER = /^\D*\d+\s*[LD]\s*['’`´]/i;

/**
 * Splits a street line into house number, suffix, street type and name, and builds
 * the match key. A range (`12-14`, `12 à 14`) keeps its first number, as La Poste asks;
 * a lone `R` after the number is the type RUE unless a street type follows it.
 * Returns null for a blank line.
 *
 * @example
 * parseStreetLine('12 bis, av. Victor-Hugo')?.matchKey // '12BIS AVENUE VICTOR HUGO'
 */
export function parseStreetLine(raw: string): TStreetLine | null {
  const folded = foldText(raw);
  if (folded === '') return null;
  const words = folded.split(' ');
  let at = 0;
  if (words.length > 1 && NUMBER_MARKERS.has(words[0]!) && DIGITS.test(words[1]!)) at = 1;

  let houseNumber: string | null = null;
  let numberSuffix: string | null = null;
  const numbered = NUMBER_AND_LETTERS.exec(words[at]!);
  if (numbered !== null) {
    houseNumber = numbered[1]!.replace(/^0+(?=\d)/, '');
    // `12BIS`, `3B`, `12AV`: read the glued letters as the next word.
    if (numbered[2] !== '') words.splice(at + 1, 0, numbered[2]!);
    at = skipRangeEnd(words, at + 1);
    const next = words[at];
    if (next !== undefined && WORD_SUFFIXES.has(next)) {
      numberSuffix = next;
      at = skipRangeEnd(words, at + 1);
    } else if (next !== undefined && isLetterSuffix(raw, words, at)) {
      numberSuffix = LETTER_FOR_WORD[next] ?? next;
      at = skipRangeEnd(words, at + 1);
    }
  }

  const streetType = streetTypeAt(words, at);
  if (streetType !== null) at += streetType.wordCount;
  const streetName = expandStreetNameWords(words.slice(at)).join(' ');
  const numberPart = `${houseNumber ?? ''}${numberSuffix ?? ''}`;
  const matchKey = [numberPart, streetType?.full ?? '', streetName]
    .filter((part) => part !== '')
    .join(' ');
  return {
    houseNumber,
    numberSuffix,
    streetType: streetType?.full ?? null,
    streetName,
    matchKey,
  };
}

function skipRangeEnd(words: readonly string[], at: number): number {
  const word = words[at];
  if (word === undefined) return at;
  if (RANGE_END.test(word)) return at + 1;
  if (RANGE_LINKS.has(word) && DIGITS.test(words[at + 1] ?? '')) return at + 2;
  return at;
}

function isLetterSuffix(raw: string, words: readonly string[], at: number): boolean {
  const letter = words[at]!;
  if (!SINGLE_LETTER.test(letter)) return false;
  if ((letter === 'L' || letter === 'D') && ARTICLE_AFTER_NUMBER.test(raw)) return false;
  if (letter === 'R') return streetTypeAt(words, at + 1) !== null;
  return true;
}
