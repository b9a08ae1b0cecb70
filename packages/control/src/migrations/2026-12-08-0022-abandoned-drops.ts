import { type Kysely, sql } from 'kysely';

/** Replaces the check on `file_drops.status` by one allowing exactly `statuses`. */
async function allowDropStatuses(db: Kysely<unknown>, statuses: readonly string[]): Promise<void> {
  await sql`ALTER TABLE file_drops DROP CONSTRAINT IF EXISTS file_drops_status_check`.execute(db);
  await sql`ALTER TABLE file_drops ADD CONSTRAINT file_drops_status_check CHECK (status IN (${sql.join(
    statuses.map((status) => sql.lit(status)),
  )}))`.execute(db);
}

const BEFORE = ['received', 'processing', 'accepted', 'rejected', 'duplicate'];

// A drop whose intake kept failing for a week is given up on (`abandoned`): else the
// hourly re-dispatch retries it for ever and its member never hears that it did not load.
export async function up(db: Kysely<unknown>): Promise<void> {
  await allowDropStatuses(db, [...BEFORE, 'abandoned']);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Given-up drops go back to being retried, as they were before this migration.
  await sql`
    UPDATE file_drops SET status = 'processing', report = NULL, finished_at = NULL
    WHERE status = 'abandoned'`.execute(db);
  await allowDropStatuses(db, BEFORE);
}
