import { type Kysely, sql } from 'kysely';

// Members may drop their own opt-out lists next to their pool files.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE file_drops DROP CONSTRAINT IF EXISTS file_drops_file_kind_check`.execute(
    db,
  );
  await sql`ALTER TABLE file_drops ADD CONSTRAINT file_drops_file_kind_check CHECK (file_kind IN ('customers', 'transactions', 'optouts'))`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE file_drops DROP CONSTRAINT IF EXISTS file_drops_file_kind_check`.execute(
    db,
  );
  await sql`ALTER TABLE file_drops ADD CONSTRAINT file_drops_file_kind_check CHECK (file_kind IN ('customers', 'transactions'))`.execute(
    db,
  );
}
