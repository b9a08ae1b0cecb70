import { type Kysely, sql } from 'kysely';

// An operator may retry a drop the platform gave up on (its cause fixed, its file still in
// the drop store) instead of asking the member to send the file again. The thresholds for
// alerting on it and giving up on it again count from the retry.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE file_drops ADD COLUMN retried_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // A retried drop still unfinished counts from its receipt again.
  await sql`ALTER TABLE file_drops DROP COLUMN IF EXISTS retried_at`.execute(db);
}
