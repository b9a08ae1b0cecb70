import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The platform's one pool: its ID (drawn by the pool itself, pool migration 15) and the
  // data directory it was registered from; a process whose pool has another ID is refused
  // jobs (decidePoolClaim). The lease says which job-running process owns the pool now,
  // renewed while it runs: a second one elsewhere is refused until it expires. One row.
  await sql`
    CREATE TABLE pool_registration (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      pool_id text NOT NULL,
      data_dir text NOT NULL,
      registered_at timestamptz NOT NULL,
      lease_owner text,
      lease_host text,
      lease_data_dir text,
      lease_expires_at timestamptz
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS pool_registration`.execute(db);
}
