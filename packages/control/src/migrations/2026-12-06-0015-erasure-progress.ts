import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // What a confirmed erasure has done so far, written as each step commits: the pool's
  // counts once its transaction committed, then the rewritten pool file's SHA-256. A
  // retry after a later step failed redoes only the steps left, and still reports what
  // the pool deletion erased. Counts and a hash only, no customer ID.
  await sql`ALTER TABLE rights_request_items ADD COLUMN erasure_progress jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE rights_request_items DROP COLUMN IF EXISTS erasure_progress`.execute(db);
}
