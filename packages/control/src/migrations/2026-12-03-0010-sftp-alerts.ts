import { type Kysely, sql } from 'kysely';

const BEFORE = [
  'seed_hit_out_of_window',
  'seed_hit_wrong_channel',
  'access_denied_repeated',
  'audit_chain_failed',
];
// A member's or client's SFTP server presenting another host key than the pinned one
// (a possible interception), and a member pull that failed, reach the alert list too.
const AFTER = [...BEFORE, 'sftp_host_key_mismatch', 'pull_failed'];

async function allowKinds(db: Kysely<unknown>, kinds: readonly string[]): Promise<void> {
  await sql`ALTER TABLE alerts DROP CONSTRAINT IF EXISTS alerts_kind_check`.execute(db);
  await sql`ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN (${sql.join(
    kinds.map((kind) => sql.lit(kind)),
  )}))`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await allowKinds(db, AFTER);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await allowKinds(db, BEFORE);
}
