import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createWeightedPicker, type TWeightedPicker } from './create-weighted-picker.ts';

/** One (commune, postcode) pair people can live at. */
export interface TCommune {
  /** Official name, e.g. `Saint-Étienne`, `Paris` for its arrondissements. */
  name: string;
  postcode: string;
  departement: string;
  region: string;
  population: number;
  /** 1–20 for Paris, Lyon and Marseille arrondissements, else null. */
  arrondissement: number | null;
}

interface TEtalabCommune {
  code: string;
  nom: string;
  zone: string;
  type: string;
  departement: string;
  region: string;
  commune?: string;
  codesPostaux?: string[];
  population?: number;
}

const CITIES_WITH_ARRONDISSEMENTS = new Set(['75056', '13055', '69123']);

let cached: TWeightedPicker<TCommune> | null = null;

/**
 * Loads the real communes of metropolitan France (Corsica included) and the five
 * overseas départements from `@etalab/decoupage-administratif`, one entry per
 * postcode, weighted by population (split evenly across a commune's postcodes).
 * Paris, Lyon and Marseille are replaced by their arrondissements. Cached.
 *
 * @example
 * const commune = loadCommunes().pick(random); // { name: 'Ajaccio', postcode: '20000', … }
 */
export function loadCommunes(): TWeightedPicker<TCommune> {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const file = require.resolve('@etalab/decoupage-administratif/data/communes.json');
  const rows = JSON.parse(readFileSync(file, 'utf8')) as TEtalabCommune[];
  const parentNames = new Map<string, string>();
  for (const row of rows)
    if (CITIES_WITH_ARRONDISSEMENTS.has(row.code)) parentNames.set(row.code, row.nom);
  const communes: TCommune[] = [];
  const weights: number[] = [];
  for (const row of rows) {
    if (row.zone !== 'metro' && row.zone !== 'drom') continue;
    const isArrondissement = row.type === 'arrondissement-municipal';
    if (row.type !== 'commune-actuelle' && !isArrondissement) continue;
    if (CITIES_WITH_ARRONDISSEMENTS.has(row.code)) continue;
    const postcodes = row.codesPostaux ?? [];
    const population = row.population ?? 0;
    if (postcodes.length === 0 || population <= 0) continue;
    const name = isArrondissement ? (parentNames.get(row.commune ?? '') ?? row.nom) : row.nom;
    const arrondissement = isArrondissement ? Number.parseInt(row.code.slice(-2), 10) : null;
    for (const postcode of postcodes) {
      communes.push({
        name,
        postcode,
        departement: row.departement,
        region: row.region,
        population,
        arrondissement,
      });
      weights.push(population / postcodes.length);
    }
  }
  cached = createWeightedPicker(communes, weights);
  return cached;
}
