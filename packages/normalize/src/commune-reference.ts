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
