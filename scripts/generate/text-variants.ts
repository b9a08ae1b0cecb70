// How people and systems write the same name differently: case, accents, typos,
// particles, compound names. Pure string functions driven by the caller's random.
import type { TRandom } from './create-random.ts';

export type TCaseStyle = 'title' | 'upper' | 'lower';

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Drops diacritics the way old systems do (é→e, œ→oe, ’→').
 *
 * @example
 * foldAccents('Lebœuf Hélène') // 'Leboeuf Helene'
 */
export function foldAccents(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replaceAll('œ', 'oe')
    .replaceAll('Œ', 'OE')
    .replaceAll('æ', 'ae')
    .replaceAll('Æ', 'AE')
    .replaceAll('’', "'");
}

/**
 * Writes text in a case style; `title` keeps the source spelling (already title case).
 *
 * @example
 * applyCase('de la Fontaine', 'upper') // 'DE LA FONTAINE'
 */
export function applyCase(text: string, style: TCaseStyle): string {
  if (style === 'upper') return text.toUpperCase();
  if (style === 'lower') return text.toLowerCase();
  return text;
}

const AZERTY_NEIGHBOURS: Record<string, string> = {
  a: 'zq',
  z: 'aes',
  e: 'zrd',
  r: 'etf',
  t: 'ryg',
  y: 'tuh',
  u: 'yij',
  i: 'uok',
  o: 'ipl',
  p: 'om',
  q: 'asw',
  s: 'qdz',
  d: 'sfe',
  f: 'dgr',
  g: 'fht',
  h: 'gjy',
  j: 'hku',
  k: 'jli',
  l: 'kmo',
  m: 'lp',
  w: 'xq',
  x: 'wc',
  c: 'xv',
  v: 'cb',
  b: 'vn',
  n: 'bm',
};

/**
 * Introduces one keyboard typo: a neighbouring key, a dropped, doubled or swapped
 * letter. Names of two letters or fewer are left alone.
 *
 * @example
 * introduceTypo(random, 'Martin') // e.g. 'Matrin', 'Marin', 'Marrtin', 'Marton'
 */
export function introduceTypo(random: TRandom, text: string): string {
  const letterPositions: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    if (/\p{L}/u.test(text[index] as string)) letterPositions.push(index);
  }
  if (letterPositions.length <= 2) return text;
  // Keep the first letter: people rarely mistype it and blocking keys rely on it.
  const position = letterPositions[random.int(1, letterPositions.length - 1)] as number;
  const letter = text[position] as string;
  const before = text.slice(0, position);
  const after = text.slice(position + 1);
  const operation = random.int(0, 3);
  if (operation === 0) {
    const lower = foldAccents(letter.toLowerCase());
    const neighbours = AZERTY_NEIGHBOURS[lower] ?? 'e';
    let replacement = neighbours[random.int(0, neighbours.length - 1)] as string;
    if (lower !== letter.toLowerCase()) replacement = lower; // é → e
    if (letter !== letter.toLowerCase()) replacement = replacement.toUpperCase();
    return before + replacement + after;
  }
  if (operation === 1) return before + after;
  if (operation === 2) return before + letter + letter + after;
  const next = after[0];
  if (next && /\p{L}/u.test(next)) return before + next + letter + after.slice(1);
  return before + after;
}

/**
 * Another way to write a surname with particles or an apostrophe, as seen in files:
 * `N'Diaye` → `NDiaye` / `N Diaye` / `N’Diaye`; `Le Gall` → `Legall`;
 * `de la Fontaine` → `De La Fontaine` / `Delafontaine`.
 *
 * @example
 * surnameVariant(random, "D'Almeida") // e.g. 'DAlmeida'
 */
export function surnameVariant(random: TRandom, surname: string): string {
  if (surname.includes("'")) {
    const choice = random.int(0, 2);
    if (choice === 0) return surname.replace("'", '');
    if (choice === 1) return surname.replace("'", ' ');
    return surname.replace("'", '’');
  }
  if (surname.includes(' ')) {
    if (random.chance(0.5)) {
      const glued = surname.replaceAll(' ', '').toLowerCase();
      return glued.charAt(0).toUpperCase() + glued.slice(1);
    }
    return surname.replace(/(^|\s)(\p{Ll})/gu, (_match, space: string, letter: string) => {
      return space + letter.toUpperCase();
    });
  }
  return surname;
}

/**
 * Another way to write a compound first name: `Jean-Pierre` → `Jean Pierre` / `Jean-pierre`.
 *
 * @example
 * firstNameVariant(random, 'Marie-Claire') // e.g. 'Marie Claire'
 */
export function firstNameVariant(random: TRandom, firstName: string): string {
  if (!firstName.includes('-')) return firstName;
  return random.chance(0.7)
    ? firstName.replace('-', ' ')
    : firstName.replace(/-(\p{L})/u, (_m, letter: string) => `-${letter.toLowerCase()}`);
}

/**
 * Lower-case ASCII letters only, for building e-mail local parts.
 *
 * @example
 * emailSlug("N'Diaye") // 'ndiaye'
 */
export function emailSlug(text: string): string {
  return foldAccents(text)
    .toLowerCase()
    .replace(/[^a-z-]/g, '');
}
