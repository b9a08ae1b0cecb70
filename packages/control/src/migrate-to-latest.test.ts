import { type Kysely, type KyselyPlugin, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCatalogRace, migrateToLatest } from './migrate-to-latest.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

/** What Kysely's introspection runs into when a schema goes between its snapshot and its lookup. */
const DROPPED_SCHEMA_LOOKUP = "SELECT has_schema_privilege('alliage_dropped_meanwhile', 'USAGE')";

/** The error the database itself raises for `statement` (it must fail). */
async function databaseError(db: Kysely<unknown>, statement: string): Promise<unknown> {
  return sql
    .raw(statement)
    .execute(db)
    .then(
      () => {
        throw new Error(`${statement} did not fail`);
      },
      (error: unknown) => error,
    );
}

describe.each(testControlDbKinds())('control-plane migrations on %s', (kind) => {
  let control: TestControlDb;
  beforeAll(async () => {
    control = await createTestControlDb(kind);
  });
  afterAll(async () => {
    await control?.close();
  });

  it('creates every table', async () => {
    const { rows } = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() ORDER BY table_name`.execute(control.db);
    expect(rows.map((row) => row.table_name)).toEqual(
      expect.arrayContaining([
        'api_tokens',
        'audit_events',
        'instructions',
        'organisation_keys',
        'organisations',
        'principals',
        'pull_sources',
        'pulled_files',
      ]),
    );
  });

  it('keeps dates as text and bigints as numbers', async () => {
    const { rows } = await sql<{
      day: string;
      big: number;
    }>`SELECT '2026-02-03'::date AS day, 42::bigint AS big`.execute(control.db);
    expect(rows[0]).toEqual({ day: '2026-02-03', big: 42 });
  });

  it('refuses a principal whose role does not fit its organisation link', async () => {
    await expect(
      control.db
        .insertInto('principals')
        .values({ organisation_id: null, name: 'x', role: 'member_admin', created_at: new Date() })
        .execute(),
    ).rejects.toThrow();
  });

  it('tells a schema or table dropped under the bookkeeping from any other failure', async () => {
    const db = control.db as Kysely<unknown>;
    const noSchema = await databaseError(db, DROPPED_SCHEMA_LOOKUP);
    const noTable = await databaseError(db, 'SELECT * FROM alliage_dropped_meanwhile');
    const syntax = await databaseError(db, 'SELEC 1');
    expect(isCatalogRace({ error: noSchema })).toBe(true);
    expect(isCatalogRace({ error: noTable })).toBe(true);
    expect(isCatalogRace({ error: syntax })).toBe(false);
    // A migration's own failure (results listed) is never run again.
    expect(isCatalogRace({ error: noSchema, results: [] })).toBe(false);
    expect(isCatalogRace({})).toBe(false);
  });

  it('runs again when its first statement meets a schema dropped meanwhile', async () => {
    const db = control.db as Kysely<unknown>;
    const race = await databaseError(db, DROPPED_SCHEMA_LOOKUP);
    let statements = 0;
    // The race, made certain: the bookkeeping's first statement fails as the database fails it.
    const droppedMeanwhile: KyselyPlugin = {
      transformQuery: (args) => {
        statements += 1;
        if (statements === 1) throw race;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    await expect(
      migrateToLatest(db.withPlugin(droppedMeanwhile), migrateOptions()),
    ).resolves.toEqual([]);
    expect(statements).toBeGreaterThan(1);
  });

  it('stops after three runs and says the migration failed', async () => {
    const db = control.db as Kysely<unknown>;
    const race = await databaseError(db, DROPPED_SCHEMA_LOOKUP);
    let runs = 0;
    const alwaysDropped: KyselyPlugin = {
      transformQuery: () => {
        runs += 1;
        throw race;
      },
      transformResult: async (args) => args.result,
    };
    await expect(migrateToLatest(db.withPlugin(alwaysDropped), migrateOptions())).rejects.toThrow(
      /control-plane migration \(unknown\) failed/,
    );
    expect(runs).toBe(3);
  });

  /** The test schema on PostgreSQL, as the control plane was migrated there. */
  function migrateOptions(): { schema?: string } {
    return control.schema ? { schema: control.schema } : {};
  }
});
