import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from './is-unique-violation.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

describe.each(testControlDbKinds())('isUniqueViolation on %s', (kind) => {
  let control: TestControlDb;
  beforeAll(async () => {
    control = await createTestControlDb(kind);
  });
  afterAll(async () => {
    await control?.close();
  });

  const insertOrganisation = () =>
    sql`INSERT INTO organisations (code, name, kind, sector, created_at, updated_at)
        VALUES ('M01', 'x', 'member', 'services', '2026-11-23T10:00:00Z', '2026-11-23T10:00:00Z')`.execute(
      control.db,
    );

  it('recognises the driver error of a duplicate key, by constraint name', async () => {
    await insertOrganisation();
    const error = await insertOrganisation().catch((caught: unknown) => caught);
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(error, 'organisations_code_key')).toBe(true);
    expect(isUniqueViolation(error, 'instructions_organisation_id_version_key')).toBe(false);
  });

  it('ignores other errors', async () => {
    const error = await sql`SELECT 1/0`.execute(control.db).catch((caught: unknown) => caught);
    expect(isUniqueViolation(error)).toBe(false);
    expect(isUniqueViolation(new Error('duplicate'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});
