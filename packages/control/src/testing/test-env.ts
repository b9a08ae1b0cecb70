import { randomBytes } from 'node:crypto';
import { loadConfigFromEnvironment } from '@alliage/config';
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
    const control = await openControlDb({});
    await migrateToLatest(control.db as Kysely<unknown>);
    return { ...control, schema: null };
  }
  if (!databaseUrl) throw new Error('DATABASE_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) }),
  });
  await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(admin);
  const control = await openControlDb({ databaseUrl, schema, maxConnections: 25 });
  try {
    // Once seen under parallel test files: the migrator's first statement on the new
    // pool found no schema. Ensuring it through the control pool itself settles it.
    await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(control.db);
    await migrateToLatest(control.db as Kysely<unknown>, { schema });
  } catch (error) {
    await control.close();
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(admin);
    await admin.destroy();
    throw error;
  }
  return {
    ...control,
    schema,
    close: async () => {
      await control.close();
      await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(admin);
      await admin.destroy();
    },
  };
}
