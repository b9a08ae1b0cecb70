import {
  SCORE_BANDS,
  SEGMENT_DEFINITIONS,
  type TSegmentDefinition,
  type TSegmentLevel,
} from '@alliage/domain';
import type { DuckDBConnection } from '@duckdb/node-api';
import { segmentValueSql } from './segment-sql.ts';

/** One value of a segment with its count; small counts are never exact. */
export interface TSegmentValueCount {
  /** The value (`sector:value` for person-sector segments, a score band for scores). */
  value: string;
  /** Null when below the threshold. */
  count: number | null;
  /** The count as shown: the number, or `<threshold`. */
  display: string;
}

/** A segment definition with the counts of its values in the pool. */
export interface TSegmentListing {
  name: string;
  version: number;
  level: TSegmentLevel;
  description: string;
  values: TSegmentValueCount[];
}

/**
 * Lists every segment of `SEGMENT_DEFINITIONS` with the number of persons (or
 * households) per value in the current profiles. A count below `threshold` is
 * shown as `<threshold` and its number withheld (DESIGN.md rule 6); a value
 * nobody has is listed too, as `<threshold`. Person-sector segments are listed
 * per sector found (`equipement_maison:active`), scores by band (`0-19` …),
 * reference codes (département, région, EPCI) as found.
 *
 * @example
 * const segments = await listSegments({ connection, threshold: 20 });
 */
export async function listSegments(options: {
  connection: DuckDBConnection;
  threshold: number;
}): Promise<TSegmentListing[]> {
  const { connection, threshold } = options;
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new Error('the count threshold must be a positive integer');
  }
  const sectors =
    (
      await connection.runAndReadAll(
        'SELECT DISTINCT sector FROM person_sector_profile ORDER BY sector',
      )
    ).getColumnsJS()[0] ?? [];
  const listings: TSegmentListing[] = [];
  for (const definition of SEGMENT_DEFINITIONS) {
    const counts = await countValues(connection, definition);
    const values = valuesOf(definition, counts, sectors as string[]);
    listings.push({
      name: definition.name,
      version: definition.version,
      level: definition.level,
      description: definition.description,
      values: values.map((value) => {
        const count = counts.get(value) ?? 0;
        return count >= threshold
          ? { value, count, display: String(count) }
          : { value, count: null, display: `<${threshold}` };
      }),
    });
  }
  return listings;
}

async function countValues(
  connection: DuckDBConnection,
  definition: TSegmentDefinition,
): Promise<Map<string, number>> {
  const { table, value } = segmentValueSql(definition.name);
  const key = definition.level === 'person_sector' ? `sector || ':' || ${value}` : value;
  const rows = (
    await connection.runAndReadAll(`SELECT ${key} AS value, count(*) FROM ${table} GROUP BY 1`)
  ).getRowsJS();
  return new Map(rows.map(([found, count]) => [String(found), Number(count)]));
}

function valuesOf(
  definition: TSegmentDefinition,
  counts: Map<string, number>,
  sectors: string[],
): string[] {
  if (definition.openValues) return [...counts.keys()].sort();
  const values = definition.values ?? SCORE_BANDS.map((band) => band.value);
  if (definition.level !== 'person_sector') return [...values];
  return sectors.flatMap((sector) => values.map((value) => `${sector}:${value}`));
}
