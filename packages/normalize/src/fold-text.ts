const COMBINING_MARKS = /[\u0300-\u036f]/g;
// Letters NFD does not split into a base letter and a mark (ligatures, stroked letters).
const LIGATURES: Record<string, string> = { Œ: 'OE', Æ: 'AE', ẞ: 'SS', Ø: 'O', Ł: 'L', Đ: 'D' };
const NOT_ALPHANUMERIC = /[^A-Z0-9]+/g;

/**
 * Folds text for matching: accents and ligatures removed, upper case, every
 * character that is not a letter or digit turned into one space.
 *
 * @example
 * foldText("  Élodie-Marie d’Arc ") // 'ELODIE MARIE D ARC'
 */
export function foldText(raw: string): string {
  return raw
    .toUpperCase()
    .replace(/[ŒÆẞØŁĐ]/g, (ligature) => LIGATURES[ligature] ?? ligature)
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(NOT_ALPHANUMERIC, ' ')
    .trim();
}
