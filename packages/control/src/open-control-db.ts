import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { ControlSchema } from './schema.ts';

const DATE_OID = 1082;
const INT8_OID = 20;

// Both drivers are told to read `date` as its ISO text (node-pg would otherwise
// make a local-midnight Date) and `bigint` as a number (audit seq stays far
// below 2^53).
const keepText = (value: string): string => value;
const toNumber = (value: string): number => Number(value);

export type TControlDbKind = 'pglite' | 'postgres';

/** An open control-plane database and how to close it. */
export interface ControlDb {
  db: Kysely<ControlSchema>;
  kind: TControlDbKind;
  close(): Promise<void>;
}

export interface OpenControlDbOptions {
  /** postgres:// URL; when absent, PGlite is used. */
  databaseUrl?: string | null;
  /** PGlite data directory; absent means in memory (tests). */
  pgliteDir?: string | null;
  /** An in-memory PGlite starts from this data directory image (`dumpDataDir`) instead of an empty cluster. */
  loadDataDir?: Blob;
  /** PostgreSQL schema to use as search_path (tests isolate themselves this way). */
  schema?: string;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
}

/**
 * Opens the control plane on PostgreSQL (`databaseUrl`) or PGlite. Does not
 * migrate: call `migrateToLatest` explicitly.
 *
 * @example
 * const control = await openControlDb({ pgliteDir: path.join(dataDir, 'pglite') });
 */
export async function openControlDb(options: OpenControlDbOptions): Promise<ControlDb> {
  if (options.databaseUrl) {
    const types = {
      getTypeParser: (oid: number, format?: 'text' | 'binary') => {
        if (oid === DATE_OID) return keepText;
        if (oid === INT8_OID) return toNumber;
        return pg.types.getTypeParser(oid, format);
      },
    };
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.maxConnections ?? 10,
      types: types as pg.CustomTypesConfig,
      ...(options.schema ? { options: `-c search_path=${quoteSchema(options.schema)}` } : {}),
    });
    const db = new Kysely<ControlSchema>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  if (options.pgliteDir) mkdirSync(path.resolve(options.pgliteDir), { recursive: true });
  const pglite = await PGlite.create(
    options.pgliteDir ? path.resolve(options.pgliteDir) : undefined,
    {
      parsers: { [DATE_OID]: keepText, [INT8_OID]: toNumber },
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    },
  );
  const db = new Kysely<ControlSchema>({ dialect: new PGliteDialect({ pglite }) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

function quoteSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new Error('schema name must be a lower-case identifier');
  return schema;
}
