import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The do-not-contact list, as keyed hashes only: `hmac` is the hex HMAC-SHA-256 (platform
  // secret) of the contact point's normalised key, never the value itself. Entries are
  // withdrawn by a recorded decision (withdrawn_*), never deleted, so the history stays.
  await sql`
    CREATE TABLE repoussoir_entries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('email', 'phone', 'postal')),
      hmac text NOT NULL CHECK (hmac ~ '^[0-9a-f]{64}$'),
      scope text NOT NULL CHECK (scope IN ('all', 'postal', 'email', 'sms', 'phone')),
      source text NOT NULL CHECK (source IN ('subject_request', 'member_optout', 'national_list', 'operator')),
      source_reference text,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      withdrawn_at timestamptz,
      withdrawn_by text,
      withdrawal_reason text,
      CONSTRAINT repoussoir_entries_withdrawal_recorded CHECK (
        (withdrawn_at IS NULL AND withdrawn_by IS NULL AND withdrawal_reason IS NULL)
        OR (withdrawn_at IS NOT NULL AND withdrawn_by IS NOT NULL AND withdrawal_reason IS NOT NULL)
      )
    )`.execute(db);
  // One active entry per contact point and scope; a withdrawn one may be added again.
  await sql`CREATE UNIQUE INDEX repoussoir_entries_active ON repoussoir_entries (kind, hmac, scope) WHERE withdrawn_at IS NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS repoussoir_entries`.execute(db);
}
