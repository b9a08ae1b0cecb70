import {
  communeReferenceVersion,
  digestCommuneReference,
  listCommuneReference,
} from '@alliage/normalize';
import type { DuckDBConnection } from '@duckdb/node-api';

/** What `ensureCommuneReference` found or did. */
export interface TCommuneReferenceStatus {
  /** `decoupage-administratif:<first 16 hex of the SHA-256 of the rows>`. */
  referenceVersion: string;
  communes: number;
  /** True when the table was (re)written. */
  refreshed: boolean;
}

/**
 * Fills `ref_communes` (public, non-personal: commune, département, région,
 * EPCI, population and population class by INSEE code) from the commune
 * reference bundled with `@alliage/normalize`, when it is empty or was loaded
 * from another version of it. Runs its own transaction: call it outside one.
 *
 * @example
 * await warehouse.withWriter((connection) => ensureCommuneReference(connection));
 */
export async function ensureCommuneReference(
  connection: DuckDBConnection,
): Promise<TCommuneReferenceStatus> {
  // The version is a digest of the rows themselves (pinned by normalize for the installed
  // data package), so upgrading @etalab/decoupage-administratif or changing how normalize
  // derives a row reloads the table; the rows are built only then.
  const version = communeReferenceVersion();
  const current = (
    await connection.runAndReadAll(
      'SELECT count(*), count(*) FILTER (WHERE reference_version = $1) FROM ref_communes',
      [version],
    )
  ).getRowsJS()[0] as [bigint, bigint];
  if (Number(current[0]) > 0 && current[0] === current[1]) {
    return { referenceVersion: version, communes: Number(current[0]), refreshed: false };
  }
  const rows = listCommuneReference();
  // Labelled with their own digest (the pinned one unless the pin is stale, which
  // normalize's tests refuse), so the label always describes the rows stored.
  const stored = digestCommuneReference(rows);
  const catalog = String(
    (await connection.runAndReadAll('SELECT current_database()')).getRowsJS()[0]?.[0],
  );
  await connection.run('BEGIN TRANSACTION');
  try {
    await connection.run('DELETE FROM ref_communes');
    const appender = await connection.createAppender('ref_communes', 'main', catalog);
    try {
      for (const row of rows) {
        appender.appendVarchar(row.inseeCode);
        appender.appendVarchar(row.name);
        appender.appendVarchar(row.departement);
        appendNullableVarchar(appender, row.departementName);
        appender.appendVarchar(row.region);
        appendNullableVarchar(appender, row.regionName);
        appendNullableVarchar(appender, row.epci);
        appendNullableVarchar(appender, row.epciName);
        if (row.population === null) appender.appendNull();
        else appender.appendInteger(row.population);
        appendNullableVarchar(appender, row.populationClass);
        appender.appendVarchar(stored);
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
  return { referenceVersion: stored, communes: rows.length, refreshed: true };
}

function appendNullableVarchar(
  appender: { appendVarchar(value: string): void; appendNull(): void },
  value: string | null,
): void {
  if (value === null) appender.appendNull();
  else appender.appendVarchar(value);
}
