import { createRequire } from 'node:module';
import { cityNameKey } from './city-name-key.ts';

/** A commune (or a Paris/Lyon/Marseille arrondissement municipal) as resolved from an address. */
export interface TCommune {
  inseeCode: string;
  name: string;
  departement: string;
  region: string;
  /** SIREN of the commune's EPCI (intercommunalité), null when it belongs to none. */
  epci: string | null;
  population: number | null;
}

/** One reference entry with the indexes' extra facts; internal to the package. */
export interface TCommuneEntry {
  commune: TCommune;
  kind: 'commune' | 'arrondissement';
  /** For an arrondissement municipal, the INSEE code of its commune (Paris 75056...). */
  parentCode: string | null;
  /** For an arrondissement municipal, its number (15 for Paris 15e). */
  arrondissementNumber: number | null;
  postcodes: readonly string[];
  compactName: string;
  compactNameWithoutArticle: string;
  departementName: string | null;
  regionName: string | null;
  epciName: string | null;
}

/** The reference data indexed for lookups; built once, on first use. */
export interface TCommuneIndex {
  /** Current communes and arrondissements municipaux in reference order. */
  entries: readonly TCommuneEntry[];
  /** Postcode → current communes and arrondissements that use it. */
  byPostcode: ReadonlyMap<string, readonly TCommuneEntry[]>;
  /** `departement|compactName` → current communes of that name in that département. */
  byDepartementAndName: ReadonlyMap<string, readonly TCommuneEntry[]>;
  /** Compact former name (commune déléguée / associée) → the current commune it is part of. */
  byFormerName: ReadonlyMap<string, readonly TCommuneEntry[]>;
  /** Commune INSEE code → its arrondissements municipaux by number. */
  arrondissementsByCommune: ReadonlyMap<string, ReadonlyMap<number, TCommuneEntry>>;
  /** Postcode prefix (2 digits, 3 for 97x/98x) → départements whose communes use it. */
  departementsByPostcodePrefix: ReadonlyMap<string, readonly string[]>;
}

interface TRawCommune {
  code: string;
  nom: string;
  type: 'commune-actuelle' | 'arrondissement-municipal' | 'commune-deleguee' | 'commune-associee';
  departement: string;
  region: string;
  commune?: string;
  chefLieu?: string;
  codesPostaux?: string[];
  population?: number;
}
interface TRawEpci {
  code: string;
  nom: string;
  membres: { code: string }[];
}
interface TRawNamedArea {
  code: string;
  nom: string;
}

const DATA_PATH = '@etalab/decoupage-administratif/data';
const ARRONDISSEMENT_NUMBER = /(\d+)(?:er|e)\b/i;

let cachedIndex: TCommuneIndex | null = null;

/**
 * The commune reference (découpage administratif, La Poste postcodes) indexed for
 * lookups. Loaded from the package's static JSON on first call and kept.
 *
 * @example
 * loadCommuneIndex().byPostcode.get('42000') // [Saint-Étienne]
 */
export function loadCommuneIndex(): TCommuneIndex {
  cachedIndex ??= buildCommuneIndex();
  return cachedIndex;
}

/** The postcode prefix that names a département: `97x`/`98x` use three digits. */
export function postcodePrefix(postcode: string): string {
  return postcode.startsWith('97') || postcode.startsWith('98')
    ? postcode.slice(0, 3)
    : postcode.slice(0, 2);
}

function buildCommuneIndex(): TCommuneIndex {
  // Static reference data shipped inside a dependency: reading it is not I/O on
  // member data, and a lazy require keeps the 12 MB parse off the import path.
  const require = createRequire(import.meta.url);
  const rawCommunes = require(`${DATA_PATH}/communes.json`) as TRawCommune[];
  const rawEpcis = require(`${DATA_PATH}/epci.json`) as TRawEpci[];
  const departementNames = namesByCode(require(`${DATA_PATH}/departements.json`));
  const regionNames = namesByCode(require(`${DATA_PATH}/regions.json`));

  const epciByCommune = new Map<string, TRawEpci>();
  for (const epci of rawEpcis) {
    for (const member of epci.membres) epciByCommune.set(member.code, epci);
  }

  const entries: TCommuneEntry[] = [];
  const entryByCode = new Map<string, TCommuneEntry>();
  const arrondissements: TRawCommune[] = [];
  for (const raw of rawCommunes) {
    if (raw.type === 'commune-actuelle') {
      const entry = toEntry(
        raw,
        epciByCommune.get(raw.code) ?? null,
        departementNames,
        regionNames,
      );
      entries.push(entry);
      entryByCode.set(raw.code, entry);
    } else if (raw.type === 'arrondissement-municipal') {
      arrondissements.push(raw);
    }
  }

  const arrondissementsByCommune = new Map<string, Map<number, TCommuneEntry>>();
  for (const raw of arrondissements) {
    // Arrondissements are not EPCI members themselves: they share their commune's.
    const parentCode = raw.commune ?? null;
    const epci = parentCode === null ? null : (epciByCommune.get(parentCode) ?? null);
    const entry = toEntry(raw, epci, departementNames, regionNames);
    const numberMatch = ARRONDISSEMENT_NUMBER.exec(raw.nom);
    entry.kind = 'arrondissement';
    entry.parentCode = parentCode;
    entry.arrondissementNumber = numberMatch ? Number(numberMatch[1]) : null;
    entries.push(entry);
    if (parentCode !== null && entry.arrondissementNumber !== null) {
      const byNumber = arrondissementsByCommune.get(parentCode) ?? new Map();
      byNumber.set(entry.arrondissementNumber, entry);
      arrondissementsByCommune.set(parentCode, byNumber);
    }
  }

  const byPostcode = new Map<string, TCommuneEntry[]>();
  const byDepartementAndName = new Map<string, TCommuneEntry[]>();
  const departementsByPostcodePrefix = new Map<string, string[]>();
  for (const entry of entries) {
    for (const postcode of entry.postcodes) {
      pushTo(byPostcode, postcode, entry);
      const departements = departementsByPostcodePrefix.get(postcodePrefix(postcode)) ?? [];
      if (!departements.includes(entry.commune.departement)) {
        departements.push(entry.commune.departement);
      }
      departementsByPostcodePrefix.set(postcodePrefix(postcode), departements);
    }
    if (entry.kind === 'commune') {
      pushTo(byDepartementAndName, `${entry.commune.departement}|${entry.compactName}`, entry);
    }
  }

  const byFormerName = new Map<string, TCommuneEntry[]>();
  for (const raw of rawCommunes) {
    if (raw.type !== 'commune-deleguee' && raw.type !== 'commune-associee') continue;
    const current = raw.chefLieu === undefined ? undefined : entryByCode.get(raw.chefLieu);
    if (current === undefined) continue;
    const key = cityNameKey(raw.nom).compact;
    const known = byFormerName.get(key) ?? [];
    if (!known.includes(current)) known.push(current);
    byFormerName.set(key, known);
  }

  return {
    entries,
    byPostcode,
    byDepartementAndName,
    byFormerName,
    arrondissementsByCommune,
    departementsByPostcodePrefix,
  };
}

function toEntry(
  raw: TRawCommune,
  epci: TRawEpci | null,
  departementNames: ReadonlyMap<string, string>,
  regionNames: ReadonlyMap<string, string>,
): TCommuneEntry {
  const nameKey = cityNameKey(raw.nom);
  return {
    commune: Object.freeze({
      inseeCode: raw.code,
      name: raw.nom,
      departement: raw.departement,
      region: raw.region,
      epci: epci?.code ?? null,
      population: raw.population ?? null,
    }),
    kind: 'commune',
    parentCode: null,
    arrondissementNumber: null,
    postcodes: raw.codesPostaux ?? [],
    compactName: nameKey.compact,
    compactNameWithoutArticle: nameKey.compactWithoutArticle,
    departementName: departementNames.get(raw.departement) ?? null,
    regionName: regionNames.get(raw.region) ?? null,
    epciName: epci?.nom ?? null,
  };
}

function namesByCode(areas: TRawNamedArea[]): Map<string, string> {
  return new Map(areas.map((area) => [area.code, area.nom]));
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const values = map.get(key);
  if (values === undefined) map.set(key, [value]);
  else values.push(value);
}
