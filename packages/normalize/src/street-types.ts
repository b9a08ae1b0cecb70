import { foldText } from './fold-text.ts';

/** One French street type: folded full label, La Poste abbreviation, other spellings met in files. */
interface TStreetTypeSpelling {
  full: string;
  abbreviation: string;
  otherSpellings?: readonly string[];
}

// The AFNOR / La Poste street-type list (NF Z10-011 annex), restricted to the types
// common in customer files. Left out on purpose, because the abbreviation or the word
// often starts a street *name* instead: BOURG (`LE BOURG` is a lieu-dit), VAL, MARCHE,
// GARE, SENTE (it is not a SENTIER), plural ALLEES. `GRANDE RUE` stays a name.
// ZA has two readings (zone artisanale / d'activités): input `ZA` reads as ZONE ARTISANALE.
const STREET_TYPES: readonly TStreetTypeSpelling[] = [
  { full: 'ALLEE', abbreviation: 'ALL' },
  { full: 'AVENUE', abbreviation: 'AV', otherSpellings: ['AVE', 'AVN', 'AVEN'] },
  {
    full: 'BOULEVARD',
    abbreviation: 'BD',
    otherSpellings: ['BLD', 'BVD', 'BLVD', 'BOUL', 'BOULD'],
  },
  { full: 'CARREFOUR', abbreviation: 'CAR', otherSpellings: ['CARF'] },
  { full: 'CENTRE COMMERCIAL', abbreviation: 'CCAL' },
  { full: 'CHAUSSEE', abbreviation: 'CHS' },
  { full: 'CHEMIN', abbreviation: 'CHE', otherSpellings: ['CHEM', 'CH', 'CHMN'] },
  { full: 'CITE', abbreviation: 'CITE' },
  { full: 'CLOS', abbreviation: 'CLOS' },
  { full: 'CORNICHE', abbreviation: 'COR', otherSpellings: ['CORN'] },
  { full: 'COTE', abbreviation: 'COTE' },
  { full: 'COUR', abbreviation: 'COUR' },
  { full: 'COURS', abbreviation: 'CRS' },
  { full: 'DESCENTE', abbreviation: 'DSC' },
  { full: 'DIGUE', abbreviation: 'DIG' },
  { full: 'DOMAINE', abbreviation: 'DOM', otherSpellings: ['DOMA'] },
  { full: 'ECART', abbreviation: 'ECA' },
  { full: 'ESPLANADE', abbreviation: 'ESP', otherSpellings: ['ESPL'] },
  { full: 'FAUBOURG', abbreviation: 'FG', otherSpellings: ['FBG', 'FAUB'] },
  { full: 'GALERIE', abbreviation: 'GAL' },
  { full: 'HAMEAU', abbreviation: 'HAM', otherSpellings: ['HAME'] },
  { full: 'IMPASSE', abbreviation: 'IMP', otherSpellings: ['IMPA'] },
  { full: 'LIEU DIT', abbreviation: 'LD', otherSpellings: ['LIEUDIT'] },
  { full: 'LOTISSEMENT', abbreviation: 'LOT', otherSpellings: ['LOTIS', 'LOTISS'] },
  { full: 'MAIL', abbreviation: 'MAIL' },
  { full: 'MAS', abbreviation: 'MAS' },
  { full: 'MONTEE', abbreviation: 'MTE' },
  { full: 'PARC', abbreviation: 'PARC' },
  { full: 'PARVIS', abbreviation: 'PRV' },
  { full: 'PASSAGE', abbreviation: 'PAS' },
  { full: 'PLACE', abbreviation: 'PL' },
  { full: 'PLATEAU', abbreviation: 'PLT' },
  { full: 'PONT', abbreviation: 'PONT' },
  { full: 'PORT', abbreviation: 'PORT' },
  { full: 'PROMENADE', abbreviation: 'PROM', otherSpellings: ['PRO'] },
  { full: 'QUAI', abbreviation: 'QUAI', otherSpellings: ['QU'] },
  { full: 'QUARTIER', abbreviation: 'QUA', otherSpellings: ['QRT', 'QUAR'] },
  { full: 'RAMPE', abbreviation: 'RPE' },
  { full: 'RESIDENCE', abbreviation: 'RES', otherSpellings: ['RESID'] },
  { full: 'ROCADE', abbreviation: 'ROC' },
  {
    full: 'ROND POINT',
    abbreviation: 'RPT',
    otherSpellings: ['RONDPOINT', 'RDPT', 'RD PT', 'ROND PT'],
  },
  { full: 'ROUTE', abbreviation: 'RTE', otherSpellings: ['RT'] },
  { full: 'ROUTE DEPARTEMENTALE', abbreviation: 'RD' },
  { full: 'ROUTE NATIONALE', abbreviation: 'RN' },
  { full: 'RUE', abbreviation: 'RUE', otherSpellings: ['R'] },
  { full: 'RUELLE', abbreviation: 'RLE' },
  { full: 'SENTIER', abbreviation: 'SEN', otherSpellings: ['SENT'] },
  { full: 'SQUARE', abbreviation: 'SQ', otherSpellings: ['SQR'] },
  { full: 'TERRASSE', abbreviation: 'TSSE', otherSpellings: ['TERR'] },
  { full: 'TERRE PLEIN', abbreviation: 'TPL' },
  { full: 'TRAVERSE', abbreviation: 'TRA', otherSpellings: ['TRAV'] },
  { full: 'VENELLE', abbreviation: 'VEN' },
  { full: 'VILLA', abbreviation: 'VLA' },
  { full: 'VILLAGE', abbreviation: 'VLGE' },
  { full: 'VOIE', abbreviation: 'VOIE' },
  { full: 'ZONE', abbreviation: 'ZONE' },
  { full: 'ZONE ARTISANALE', abbreviation: 'ZA' },
  { full: 'ZONE D ACTIVITES', abbreviation: 'ZA', otherSpellings: ['ZONE D ACTIVITE'] },
  { full: 'ZONE D AMENAGEMENT CONCERTE', abbreviation: 'ZAC' },
  { full: 'ZONE INDUSTRIELLE', abbreviation: 'ZI' },
];

const FULL_BY_SPELLING = new Map<string, string>();
const ABBREVIATION_BY_FULL = new Map<string, string>();
for (const { full, abbreviation, otherSpellings = [] } of STREET_TYPES) {
  ABBREVIATION_BY_FULL.set(full, abbreviation);
  for (const spelling of [full, abbreviation, full.replaceAll(' ', ''), ...otherSpellings]) {
    // First entry wins: `ZA` keeps meaning ZONE ARTISANALE.
    if (!FULL_BY_SPELLING.has(spelling)) FULL_BY_SPELLING.set(spelling, full);
  }
}

/** Longest street type, in words, that the table knows (`ZONE D AMENAGEMENT CONCERTE`). */
const LONGEST_TYPE_WORDS = Math.max(
  ...[...FULL_BY_SPELLING.keys()].map((spelling) => spelling.split(' ').length),
);

/**
 * The canonical full street type for any known spelling, or null.
 *
 * @example
 * canonicalStreetType('Av.') // 'AVENUE'
 */
export function canonicalStreetType(word: string): string | null {
  return FULL_BY_SPELLING.get(foldText(word)) ?? null;
}

/**
 * The La Poste abbreviation of a street type (any known spelling); an unknown word
 * comes back unchanged.
 *
 * @example
 * abbreviateStreetType('BOULEVARD') // 'BD'
 */
export function abbreviateStreetType(full: string): string {
  const canonical = canonicalStreetType(full);
  return canonical === null ? full : (ABBREVIATION_BY_FULL.get(canonical) ?? canonical);
}

/**
 * The street type that starts at `words[start]` (folded words), longest spelling first,
 * with the number of words it spans; null when none does.
 *
 * @example
 * streetTypeAt(['12', 'RD', 'PT', 'DE', 'LA', 'GARE'], 1) // { full: 'ROND POINT', wordCount: 2 }
 */
export function streetTypeAt(
  words: readonly string[],
  start: number,
): { full: string; wordCount: number } | null {
  const longest = Math.min(LONGEST_TYPE_WORDS, words.length - start);
  for (let wordCount = longest; wordCount >= 1; wordCount -= 1) {
    const spelling =
      wordCount === 1 ? words[start]! : words.slice(start, start + wordCount).join(' ');
    const full = FULL_BY_SPELLING.get(spelling);
    if (full !== undefined) return { full, wordCount };
  }
  return null;
}
