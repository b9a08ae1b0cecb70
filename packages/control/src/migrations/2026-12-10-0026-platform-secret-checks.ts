import { type Kysely, sql } from 'kysely';

// A check value of each platform secret whose loss or change would silently break what is
// keyed by it: the HMAC secret keys the repoussoir entries, the erasure suppressions and the
// pool's contact-point hashes. A start with another secret stops instead of letting opted-out
// and erased people through. The value is an HMAC of a constant, never the secret.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE platform_secret_checks (
    name text PRIMARY KEY,
    check_value text NOT NULL,
    recorded_at timestamptz NOT NULL
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS platform_secret_checks`.execute(db);
}
