import { foldText } from './fold-text.ts';

/** A city name reduced for matching against the commune reference. */
export interface TCityNameKey {
  /** Folded words with spaces removed, e.g. `SAINTETIENNE`, `LHAYLESROSES`. */
  compact: string;
  /** Same, without a leading article (LE, LA, LES, L): a last-chance key. */
  compactWithoutArticle: string;
  /** Arrondissement number written after the name (`PARIS 15E`, `LYON 3`), else null. */
  arrondissementNumber: number | null;
}

const WORD_EXPANSIONS: ReadonlyMap<string, string> = new Map([
  ['ST', 'SAINT'],
  ['STE', 'SAINTE'],
  ['STS', 'SAINTS'],
  ['STES', 'SAINTES'],
]);
const ARTICLES: ReadonlySet<string> = new Set(['LE', 'LA', 'LES', 'L']);
const ARRONDISSEMENT_WORDS: ReadonlySet<string> = new Set([
  'ARRONDISSEMENT',
  'ARR',
  'ARRT',
  'ARDT',
  'E',
  'ER',
  'ERE',
  'EME',
]);
const ORDINAL = /^(\d{1,2})(?:E|ER|ERE|EME|IEME)?$/;
const POSTCODE_TOKEN = /^\d{5}$/;
const CEDEX_NUMBER = /^\d{1,3}$/;

/**
 * Reduces a city name (as typed by a member, or as named in the reference) to the
 * keys `resolveCommune` compares: accents, case, punctuation and spaces ignored,
 * `ST`/`STE` expanded, a trailing `CEDEX nn` or a leading postcode dropped, a
 * trailing article put back in front (`HAVRE (LE)` → `LEHAVRE`).
 *
 * @example
 * cityNameKey('St-Étienne Cedex 1').compact // 'SAINTETIENNE'
 */
export function cityNameKey(raw: string): TCityNameKey {
  let words = foldText(raw).split(' ');
  if (words.length > 1 && POSTCODE_TOKEN.test(words[0]!)) words = words.slice(1);
  const cedexAt = words.indexOf('CEDEX');
  if (cedexAt > 0 && words.slice(cedexAt + 1).every((word) => CEDEX_NUMBER.test(word))) {
    words = words.slice(0, cedexAt);
  }
  let arrondissementNumber: number | null = null;
  const ordinalAt = words.findIndex((word, at) => at > 0 && ORDINAL.test(word));
  if (ordinalAt > 0 && words.slice(ordinalAt + 1).every((word) => ARRONDISSEMENT_WORDS.has(word))) {
    arrondissementNumber = Number(ORDINAL.exec(words[ordinalAt]!)![1]);
    words = words.slice(0, ordinalAt);
  }
  const last = words[words.length - 1]!;
  // No commune name ends with an article, so a trailing one was moved there by a
  // sorted listing (`HAVRE (LE)`, `HAY LES ROSES (L')`).
  if (words.length > 1 && ARTICLES.has(last)) {
    words = [last, ...words.slice(0, -1)];
  }
  for (let at = 0; at < words.length; at += 1) {
    words[at] = WORD_EXPANSIONS.get(words[at]!) ?? words[at]!;
  }
  const compact = words.join('');
  const compactWithoutArticle =
    words.length > 1 && ARTICLES.has(words[0]!) ? words.slice(1).join('') : compact;
  return { compact, compactWithoutArticle, arrondissementNumber };
}
