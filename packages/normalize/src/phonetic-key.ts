// Phonex, Frédéric Brouard (31/3/1999), as published in "L'art des Soundex"
// (http://sqlpro.developpez.com/cours/soundex/) and on Florent Carlier's page
// (http://info.univ-lemans.fr/~carlier/recherche/soundex.html). Each entry below is one
// numbered step of that text. Where the text lists rules in an order that makes one of
// them unreachable (`SCH` after `CH`, `QU` after `Q`), the longer group is applied first,
// which is what the text means. "Not followed by a vowel" includes the end of the word
// (several ports forget it, so `MARTIN` kept its `IN` while `MARTAIN` did not).
// The third item is a substring the step needs: checking it first skips most steps cheaply.
const PHONEX_STEPS: ReadonlyArray<readonly [RegExp, string, string]> = [
  // 1. Y sounds like I.
  [/Y/g, 'I', 'Y'],
  // 2. A silent H (not after C, S or P) goes; 3. PH is F.
  [/([^CSP])H/g, '$1', 'H'],
  [/PH/g, 'F', 'PH'],
  // 4. G before AN, AM, AIN, AIM is hard.
  [/G(AI?[NM])/g, 'K$1', 'GA'],
  // 5. AIN, EIN, AIM, EIM before a vowel are not nasal.
  [/[AE]I[NM](?=[AEIOU])/g, 'YN', 'I'],
  // 6. Three-letter sounds 'o', 'oua', 'in'.
  [/EAU/g, 'O', 'EAU'],
  [/OUA/g, '2', 'OUA'],
  [/[AE]I[NM]/g, '4', 'I'],
  // 7. The 'é' sound.
  [/[AE]I/g, 'Y', 'I'],
  [/E([RTZ])/g, 'Y$1', 'E'],
  [/ESS/g, 'YS', 'ESS'],
  // 8. Nasal 'an' and 'in' unless a vowel or a coded sound follows.
  [/[AOE]N(?=[^AEIOU1234]|$)/g, '1', 'N'],
  [/[AE]M(?=[^AEIOU1234]|$)/g, '1', 'M'],
  [/IN(?=[^AEIOU1234]|$)/g, '4', 'IN'],
  // 9. S between vowels (or coded sounds) sounds like Z.
  [/([AEIOUY1234])S(?=[AEIOUY1234])/g, '$1Z', 'S'],
  // 10. Two-letter vowel sounds.
  [/OE|EU/g, 'E', 'E'],
  [/AU/g, 'O', 'AU'],
  [/O[IY]/g, '2', 'O'],
  [/OU/g, '3', 'OU'],
  // 11. 'ch' sounds, double S, SC.
  [/SCH|CH|SH/g, '5', 'H'],
  [/SS/g, 'S', 'SS'],
  [/SC/g, 'S', 'SC'],
  // 12. Soft C.
  [/C(?=[EI])/g, 'S', 'C'],
  // 13. Hard C, Q, GU, G before A, O, Y.
  [/QU|GU|Q|C/g, 'K', ''],
  [/G(?=[AOY])/g, 'K', 'G'],
];

// 14. Letters that sound alike.
const SAME_SOUND: Readonly<Record<string, string>> = {
  A: 'O',
  D: 'T',
  P: 'T',
  J: 'G',
  B: 'F',
  V: 'F',
  M: 'N',
};

const NOT_LETTER = /[^A-Z]/g;

// Surnames follow a steep frequency curve, so a bounded memo saves most of the ~1 µs a key
// costs; clearing it when full keeps memory flat without changing any result.
const MAX_MEMOISED_KEYS = 100_000;
const keyByFoldedName = new Map<string, string>();

/**
 * Phonex code (Frédéric Brouard's French phonetic algorithm, steps 1–16) of a folded name.
 * The code is returned as its letters and digits rather than packed into the base-22 float
 * of steps 17–18, so that keys compare exactly in SQL and long names stay distinct.
 *
 * @example
 * phoneticKey('DUPONT') === phoneticKey('DUPOND') // both 'TUT1'
 */
export function phoneticKey(folded: string): string {
  const known = keyByFoldedName.get(folded);
  if (known !== undefined) return known;
  const key = computePhonex(folded);
  if (keyByFoldedName.size >= MAX_MEMOISED_KEYS) keyByFoldedName.clear();
  keyByFoldedName.set(folded, key);
  return key;
}

function computePhonex(folded: string): string {
  let code = folded.replace(NOT_LETTER, '');
  for (const [pattern, replacement, needle] of PHONEX_STEPS) {
    if (code.includes(needle)) code = code.replace(pattern, replacement);
  }
  let key = '';
  let previous = '';
  for (const letter of code) {
    const sound = SAME_SOUND[letter] ?? letter;
    // 15. Duplicated letters count once.
    if (sound !== previous) key += sound;
    previous = sound;
  }
  // 16. A final T or X is silent.
  const last = key.at(-1);
  return last === 'T' || last === 'X' ? key.slice(0, -1) : key;
}
