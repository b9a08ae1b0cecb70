import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFromEnvironment } from '@alliage/config';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../migrate-to-latest.ts';
import { type ControlDb, openControlDb, type TControlDbKind } from '../open-control-db.ts';

// Test-only: the one place tests learn whether a real PostgreSQL is available.
const databaseUrl = loadConfigFromEnvironment().databaseUrl;

/** The control-plane back-ends to run a suite against: PGlite always, PostgreSQL when DATABASE_URL is set. */
export function testControlDbKinds(): TControlDbKind[] {
  return databaseUrl ? ['pglite', 'postgres'] : ['pglite'];
}

/** The PostgreSQL URL tests may use, or null. */
export function testDatabaseUrl(): string | null {
  return databaseUrl;
}

export interface TestControlDb extends ControlDb {
  /** PostgreSQL schema holding this test's tables (postgres only). */
  schema: string | null;
}

/**
 * A fresh, migrated control plane: an in-memory PGlite, or a new schema in the
 * PostgreSQL of DATABASE_URL that `close()` drops.
 *
 * @example
 * const control = await createTestControlDb('pglite');
 */
export async function createTestControlDb(kind: TControlDbKind): Promise<TestControlDb> {
  if (kind === 'pglite') {
    const control = await openControlDb({ loadDataDir: await emptyClusterImage() });
    // On every database, not once in the image: migrations also give each control
    // plane its own values (the repoussoir's epoch), which no two may share.
    await migrateToLatest(control.db as Kysely<unknown>);
    return { ...control, schema: null };
  }
  if (!databaseUrl) throw new Error('DATABASE_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) }),
  });
  const dropSchema = () =>
    withSchemaLock(admin, 'exclusive', (session) =>
      sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(session),
    );
  await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(admin);
  const control = await openControlDb({ databaseUrl, schema, maxConnections: 25 });
  try {
    await withSchemaLock(admin, 'shared', async () => {
      // Once seen under parallel test files, before the lock: the migrator's first
      // statement found no schema (likely the race the lock now prevents). Harmless.
      await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(control.db);
      await migrateToLatest(control.db as Kysely<unknown>, { schema });
    });
  } catch (error) {
    await control.close();
    await dropSchema();
    await admin.destroy();
    throw error;
  }
  return {
    ...control,
    schema,
    close: async () => {
      await control.close();
      await dropSchema();
      await admin.destroy();
    },
  };
}

/** Advisory lock key shared by every test schema's migration and drop. */
const TEST_SCHEMA_LOCK = 0x616c6c69;

/**
 * Runs `work` holding the test-schema lock on one session of `admin`: migrations take
 * it shared, schema drops exclusive. Kysely's migrator lists the tables of EVERY schema
 * and calls `has_schema_privilege(name)` on each: a schema another test file dropped
 * meanwhile then fails it with `schema "t_…" does not exist` (seen in CI). Drops wait
 * for the migrations running and migrations for the drop; migrations run side by side.
 */
async function withSchemaLock<T>(
  admin: Kysely<unknown>,
  mode: 'shared' | 'exclusive',
  work: (session: Kysely<unknown>) => Promise<T>,
): Promise<T> {
  const suffix = mode === 'shared' ? '_shared' : '';
  return admin.connection().execute(async (session) => {
    await sql`SELECT ${sql.raw(`pg_advisory_lock${suffix}`)}(${TEST_SCHEMA_LOCK})`.execute(session);
    try {
      return await work(session);
    } finally {
      await sql`SELECT ${sql.raw(`pg_advisory_unlock${suffix}`)}(${TEST_SCHEMA_LOCK})`.execute(
        session,
      );
    }
  });
}

/** The image of a fresh PGlite cluster, read once per test process. */
let clusterImage: Promise<Blob> | null = null;

/**
 * A fresh PGlite cluster's data directory (after `initdb`, before any migration) as a
 * tar image, shared by the test processes through a file in the temporary directory
 * named after the PGlite release. Loading it costs ~2 s less than the `initdb` every
 * suite on PGlite used to run per database.
 */
function emptyClusterImage(): Promise<Blob> {
  clusterImage ??= readOrMakeImage();
  return clusterImage;
}

async function readOrMakeImage(): Promise<Blob> {
  const pgliteEntry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  const release = createHash('sha256')
    .update(readFileSync(path.join(path.dirname(pgliteEntry), '..', 'package.json')))
    .digest('hex')
    .slice(0, 16);
  const prefix = 'alliage-test-pglite-';
  const imagePath = path.join(os.tmpdir(), `${prefix}${release}.tar`);
  try {
    return new Blob([readFileSync(imagePath)]);
  } catch {
    // not made yet (or for another PGlite release): make it below
  }
  const pglite = await PGlite.create();
  try {
    const image = await pglite.dumpDataDir('none');
    // Written aside and renamed: a process reading it never sees half an image.
    const partial = `${imagePath}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await image.arrayBuffer()));
    renameSync(partial, imagePath);
    for (const name of readdirSync(os.tmpdir())) {
      if (name.startsWith(prefix) && name.endsWith('.tar') && name !== path.basename(imagePath)) {
        rmSync(path.join(os.tmpdir(), name), { force: true });
      }
    }
    return image;
  } finally {
    await pglite.close();
  }
}
