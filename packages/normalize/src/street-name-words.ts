// Word abbreviations met inside French street names. Two directions on purpose:
// - reading (parse): expand only spellings that cannot mean anything else; the
//   ambiguous ones (GAL = galerie or général, MAL, PR) only right after `DU`
//   (`RUE DU GAL LECLERC`), where they always name a rank or title.
// - writing (format, only when a line is too long): abbreviate only to spellings the
//   reader expands back, so a formatted line parses to the same match key. GENERAL is
//   written GEN, not La Poste's GAL, because GAL is also the type GALERIE. COLONEL,
//   PETIT(E) and PORTE are never abbreviated: COL is a mountain pass, PT and PTE are
//   also PONT, POINT and PORTE.

const EXPANSIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['ST', ['SAINT']],
  ['STE', ['SAINTE']],
  ['STS', ['SAINTS']],
  ['STES', ['SAINTES']],
  ['ND', ['NOTRE', 'DAME']],
  ['GEN', ['GENERAL']],
  ['GD', ['GRAND']],
  ['GDE', ['GRANDE']],
  ['DR', ['DOCTEUR']],
  ['PDT', ['PRESIDENT']],
  ['PROF', ['PROFESSEUR']],
  ['CDT', ['COMMANDANT']],
  ['LT', ['LIEUTENANT']],
  ['MGR', ['MONSEIGNEUR']],
]);
const EXPANSIONS_AFTER_DU: ReadonlyMap<string, string> = new Map([
  ['GAL', 'GENERAL'],
  ['MAL', 'MARECHAL'],
  ['PR', 'PROFESSEUR'],
]);

/** Full word (or two-word phrase) → abbreviation, in the order a long line gives them up. */
export const STREET_NAME_ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  ['SAINT', 'ST'],
  ['SAINTE', 'STE'],
  ['SAINTS', 'STS'],
  ['SAINTES', 'STES'],
  ['NOTRE DAME', 'ND'],
  ['GENERAL', 'GEN'],
  ['MARECHAL', 'MAL'],
  ['DOCTEUR', 'DR'],
  ['PRESIDENT', 'PDT'],
  ['PROFESSEUR', 'PROF'],
  ['COMMANDANT', 'CDT'],
  ['LIEUTENANT', 'LT'],
  ['MONSEIGNEUR', 'MGR'],
  ['GRAND', 'GD'],
  ['GRANDE', 'GDE'],
]);

/**
 * Expands the unambiguous word abbreviations of a folded street name.
 *
 * @example
 * expandStreetNameWords(['DU', 'GAL', 'DE', 'GAULLE']) // ['DU', 'GENERAL', 'DE', 'GAULLE']
 */
export function expandStreetNameWords(words: readonly string[]): string[] {
  const expanded: string[] = [];
  for (let at = 0; at < words.length; at += 1) {
    const word = words[at]!;
    const afterDu = at > 0 && words[at - 1] === 'DU' ? EXPANSIONS_AFTER_DU.get(word) : undefined;
    if (afterDu !== undefined) {
      expanded.push(afterDu);
      continue;
    }
    const expansion = EXPANSIONS.get(word);
    if (expansion === undefined) expanded.push(word);
    else expanded.push(...expansion);
  }
  return expanded;
}
