import { foldText } from './fold-text.ts';
import { phoneticKey } from './phonetic-key.ts';

/** A first or last name ready to show (`display`) and to match (`match`, `phonetic`). */
export interface TPersonName {
  /** As typed, trimmed; title-cased the French way when it was typed all upper or all lower case. */
  display: string;
  /** Folded with every space removed, so particle, apostrophe and hyphen variants meet. */
  match: string;
  /** Phonex key of `match` (see `phoneticKey`). */
  phonetic: string;
}

const WHITESPACE = /\s+/g;
// Particles written in lower case before the rest of a name: "de La Fontaine", "du Bellay".
const LOWER_CASE_PARTICLES = new Set(['de', 'du', 'des']);
// A letter that starts a name segment: at the start, or after a hyphen or an apostrophe.
const SEGMENT_START = /(^|[-'’`])(\p{L})/gu;
// "d'" before a name stays lower case: "d'Artagnan", "d’Estaing".
const ELIDED_DE = /^D(?=['’`]\p{L})/u;

/**
 * Normalises a first or last name; null when it holds no letter or digit.
 *
 * @example
 * normalizePersonName('DE LA FONTAINE') // { display: 'de La Fontaine', match: 'DELAFONTAINE', phonetic: 'TELOF1TYNE' }
 */
export function normalizePersonName(raw: string): TPersonName | null {
  const typed = raw.replace(WHITESPACE, ' ').trim();
  const match = foldText(typed).replaceAll(' ', '');
  if (match === '') return null;
  const singleCase = typed === typed.toUpperCase() || typed === typed.toLowerCase();
  return {
    display: singleCase ? titleCaseFrenchName(typed) : typed,
    match,
    phonetic: phoneticKey(match),
  };
}

function titleCaseFrenchName(name: string): string {
  const words = name.toLowerCase().split(' ');
  const lastIndex = words.length - 1;
  return words
    .map((word, index) => {
      // A particle alone ("Monsieur De") is a surname, so only a particle with a name after it stays lower.
      if (index < lastIndex && LOWER_CASE_PARTICLES.has(word)) return word;
      const capitalised = word.replace(
        SEGMENT_START,
        (_whole, separator: string, letter: string) => separator + letter.toUpperCase(),
      );
      return capitalised.replace(ELIDED_DE, 'd');
    })
    .join(' ');
}
