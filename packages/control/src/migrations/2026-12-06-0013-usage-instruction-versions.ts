import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The version of the member's instruction in force when a delivery used its records
  // (DESIGN.md: every processing step records the version it ran under). NULL for the
  // deliveries written before it was recorded.
  await sql`ALTER TABLE delivery_member_usage ADD COLUMN instruction_version integer
    CHECK (instruction_version > 0)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE delivery_member_usage DROP COLUMN IF EXISTS instruction_version`.execute(
    db,
  );
}
