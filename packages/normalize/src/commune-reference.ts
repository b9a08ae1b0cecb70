import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { loadCommuneIndex } from './commune-index.ts';

/** Size band of a commune by population, for segments. */
export type TPopulationClass = 'rural' | 'small_town' | 'urban' | 'large_city';

/** One row of the commune reference table the warehouse builds segments on. */
export interface TCommuneReference {
  inseeCode: string;
  name: string;
  departement: string;
  departementName: string | null;
  region: string;
  regionName: string | null;
  /** SIREN of the EPCI, null for the few communes outside any (islands, overseas collectivities). */
  epci: string | null;
  epciName: string | null;
  population: number | null;
  populationClass: TPopulationClass | null;
}

// Bands of the commune's own population (not its urban area's, so a small suburb of
// a big city is a small_town). 2,000 is INSEE's historical urban threshold; 20,000
// and 200,000 are boundaries of INSEE's urban-unit size bands (tranches d'unité urbaine).
const SMALL_TOWN_FROM = 2_000;
const URBAN_FROM = 20_000;
const LARGE_CITY_FROM = 200_000;

/**
 * The population band of a commune: rural < 2,000 ≤ small_town < 20,000 ≤ urban
 * < 200,000 ≤ large_city; null when the population is unknown.
 *
 * @example
 * populationClass(15_000) // 'small_town'
 */
export function populationClass(population: number | null): TPopulationClass | null {
  if (population === null) return null;
  if (population < SMALL_TOWN_FROM) return 'rural';
  if (population < URBAN_FROM) return 'small_town';
  if (population < LARGE_CITY_FROM) return 'urban';
  return 'large_city';
}

/**
 * One row per current commune and per arrondissement municipal of Paris, Lyon and
 * Marseille (which `resolveCommune` returns), with département, région and EPCI names
 * and the population band. Arrondissements carry their own population and their
 * commune's EPCI.
 *
 * @example
 * listCommuneReference().find((row) => row.inseeCode === '2A004')?.populationClass // 'urban'
 */
export function listCommuneReference(): TCommuneReference[] {
  return loadCommuneIndex().entries.map((entry) => ({
    inseeCode: entry.commune.inseeCode,
    name: entry.commune.name,
    departement: entry.commune.departement,
    departementName: entry.departementName,
    region: entry.commune.region,
    regionName: entry.regionName,
    epci: entry.commune.epci,
    epciName: entry.epciName,
    population: entry.commune.population,
    populationClass: populationClass(entry.commune.population),
  }));
}

/**
 * The version of the rows `listCommuneReference` returns with the installed
 * `@etalab/decoupage-administratif`: `decoupage-administratif:` and the first 16 hex
 * digits of the SHA-256 of the rows. `commune-reference.test.ts` holds it equal to the
 * digest of the rows themselves, so a change of the data package or of how a row is
 * derived fails the suite until it is updated here.
 */
export const PINNED_COMMUNE_REFERENCE = {
  dataPackageVersion: '6.0.0',
  version: 'decoupage-administratif:eea4121772770698',
} as const;

/**
 * The version of the commune reference rows, computed from the rows themselves.
 *
 * @example
 * digestCommuneReference(listCommuneReference()) // 'decoupage-administratif:eea41217…'
 */
export function digestCommuneReference(rows: readonly TCommuneReference[]): string {
  const digest = createHash('sha256').update(JSON.stringify(rows)).digest('hex');
  return `decoupage-administratif:${digest.slice(0, 16)}`;
}

/**
 * The version of `listCommuneReference()`'s rows without building them (~1 s of CPU
 * each process start): the pinned digest while the installed data package is the one it
 * was taken from, else the digest of the rows (an unpinned upgrade of the data package).
 *
 * @example
 * communeReferenceVersion() // 'decoupage-administratif:eea41217…'
 */
export function communeReferenceVersion(): string {
  const require = createRequire(import.meta.url);
  const installed = (require('@etalab/decoupage-administratif/package.json') as { version: string })
    .version;
  if (installed === PINNED_COMMUNE_REFERENCE.dataPackageVersion)
    return PINNED_COMMUNE_REFERENCE.version;
  return digestCommuneReference(listCommuneReference());
}
