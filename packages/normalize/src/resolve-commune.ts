import { cityNameKey, type TCityNameKey } from './city-name-key.ts';
import {
  loadCommuneIndex,
  postcodePrefix,
  type TCommune,
  type TCommuneEntry,
  type TCommuneIndex,
} from './commune-index.ts';
import { normalizePostcode } from './normalize-postcode.ts';

export type { TCommune } from './commune-index.ts';

/** What `resolveCommune` found: the commune, or why there is none (never the input). */
export type TCommuneResolution =
  | { status: 'matched'; commune: TCommune }
  | { status: 'unknown'; reason: 'unknown_postcode' | 'city_not_in_postcode' | 'missing' };

/** The last address line split in two, as member files carry it. */
export interface TResolveCommuneInput {
  postcode: string | null;
  city: string | null;
}

const MISSING: TCommuneResolution = Object.freeze({ status: 'unknown', reason: 'missing' });
const UNKNOWN_POSTCODE: TCommuneResolution = Object.freeze({
  status: 'unknown',
  reason: 'unknown_postcode',
});
const CITY_NOT_IN_POSTCODE: TCommuneResolution = Object.freeze({
  status: 'unknown',
  reason: 'city_not_in_postcode',
});

/**
 * Finds the commune a postcode + city pair designates. The city must name one of the
 * postcode's communes (accents, case, punctuation, `ST`/`STE`, `CEDEX nn`, a former
 * commune's name and a leading article are forgiven); the postcode alone never decides.
 * An unknown postcode (typically a CEDEX code) is rescued when the city names exactly
 * one current commune of the postcode's département (`20` → 2A/2B, `97x` → 97x).
 * Paris, Lyon, Marseille: the arrondissement municipal is returned whenever the
 * postcode identifies one (`75015` → 75115, the postcode wins over a contradicting
 * `PARIS 16`); with a CEDEX code the number in the city (`LYON 3E`) picks it, else the
 * commune itself (75056) is returned.
 *
 * @example
 * resolveCommune({ postcode: '42100', city: 'St-Etienne' }) // matched, inseeCode '42218'
 */
export function resolveCommune(input: TResolveCommuneInput): TCommuneResolution {
  if (input.postcode === null || input.city === null) return MISSING;
  const postcode = normalizePostcode(input.postcode);
  if (!postcode.ok) return UNKNOWN_POSTCODE;
  if (postcode.value === null) return MISSING;
  const city = cityNameKey(input.city);
  if (city.compact === '') return MISSING;

  const index = loadCommuneIndex();
  const candidates = index.byPostcode.get(postcode.value);
  if (candidates !== undefined) {
    const found = matchAmongCandidates(index, candidates, city);
    if (found === null) return CITY_NOT_IN_POSTCODE;
    return matched(arrondissementOrCommune(index, found, candidates, city.arrondissementNumber));
  }
  const rescued = matchInPostcodeDepartements(index, postcode.value, city);
  if (rescued === null) return UNKNOWN_POSTCODE;
  return matched(arrondissementOrCommune(index, rescued, [], city.arrondissementNumber));
}

function matched(commune: TCommune): TCommuneResolution {
  return { status: 'matched', commune };
}

function matchAmongCandidates(
  index: TCommuneIndex,
  candidates: readonly TCommuneEntry[],
  city: TCityNameKey,
): TCommuneEntry | null {
  for (const candidate of candidates) {
    if (candidate.kind === 'commune' && candidate.compactName === city.compact) return candidate;
  }
  // A commune nouvelle's former communes keep their names in addresses.
  const formerNameOf = index.byFormerName.get(city.compact);
  if (formerNameOf !== undefined) {
    const inPostcode = formerNameOf.filter((entry) => candidates.includes(entry));
    if (inPostcode.length === 1) return inPostcode[0]!;
  }
  const withoutArticle = candidates.filter(
    (candidate) =>
      candidate.kind === 'commune' &&
      candidate.compactNameWithoutArticle === city.compactWithoutArticle,
  );
  return withoutArticle.length === 1 ? withoutArticle[0]! : null;
}

function matchInPostcodeDepartements(
  index: TCommuneIndex,
  postcode: string,
  city: TCityNameKey,
): TCommuneEntry | null {
  const departements = index.departementsByPostcodePrefix.get(postcodePrefix(postcode)) ?? [];
  const found = new Set<TCommuneEntry>();
  for (const departement of departements) {
    for (const entry of index.byDepartementAndName.get(`${departement}|${city.compact}`) ?? []) {
      found.add(entry);
    }
  }
  for (const entry of index.byFormerName.get(city.compact) ?? []) {
    if (departements.includes(entry.commune.departement)) found.add(entry);
  }
  return found.size === 1 ? [...found][0]! : null;
}

function arrondissementOrCommune(
  index: TCommuneIndex,
  entry: TCommuneEntry,
  postcodeCandidates: readonly TCommuneEntry[],
  arrondissementNumber: number | null,
): TCommune {
  const arrondissements = index.arrondissementsByCommune.get(entry.commune.inseeCode);
  if (arrondissements === undefined) return entry.commune;
  const byPostcode = postcodeCandidates.filter(
    (candidate) => candidate.parentCode === entry.commune.inseeCode,
  );
  if (byPostcode.length === 1) return byPostcode[0]!.commune;
  const byNumber =
    arrondissementNumber === null ? undefined : arrondissements.get(arrondissementNumber);
  if (byNumber !== undefined && (byPostcode.length === 0 || byPostcode.includes(byNumber))) {
    return byNumber.commune;
  }
  return entry.commune;
}
