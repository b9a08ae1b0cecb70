import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every value a count showed (total, by channel, by département), exact and as shown,
  // so that anti-differencing compares each breakdown value with the same value of the
  // client's recent counts, not the total only. Null for counts recorded before: only
  // their total is known.
  await sql`ALTER TABLE selection_counts ADD COLUMN cells jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE selection_counts DROP COLUMN IF EXISTS cells`.execute(db);
}
