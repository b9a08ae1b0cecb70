import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

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
});
