import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One target per client: its own SFTP server, where deliveries are pushed after they
  // are final in its outbox. The SSH private key the platform logs in with is a
  // platform secret, never stored here.
  await sql`
    CREATE TABLE push_targets (
      organisation_id uuid PRIMARY KEY REFERENCES organisations (id),
      host text NOT NULL,
      port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
      username text NOT NULL,
      remote_dir text NOT NULL,
      host_key_sha256 text NOT NULL CHECK (host_key_sha256 ~ '^SHA256:[A-Za-z0-9+/]{43}$'),
      enabled boolean NOT NULL,
      updated_at timestamptz NOT NULL,
      updated_by text NOT NULL
    )`.execute(db);

  // Where each delivery stands with the client's own server. Deliveries written
  // before push existed were never meant to be pushed.
  await sql`
    ALTER TABLE deliveries
      ADD COLUMN push_status text NOT NULL DEFAULT 'not_configured'
        CHECK (push_status IN ('not_configured', 'pending', 'pushed', 'failed')),
      ADD COLUMN pushed_at timestamptz,
      ADD COLUMN push_error_code text,
      ADD COLUMN push_error_message text,
      ADD COLUMN remote_path text,
      ADD CONSTRAINT deliveries_push_recorded CHECK (
        (push_status = 'pushed' AND pushed_at IS NOT NULL AND remote_path IS NOT NULL)
        OR (push_status <> 'pushed' AND pushed_at IS NULL)
      ),
      ADD CONSTRAINT deliveries_push_failure_recorded CHECK (
        (push_status = 'failed') = (push_error_code IS NOT NULL)
      )`.execute(db);
  await sql`CREATE INDEX deliveries_push_pending_idx ON deliveries (push_status) WHERE push_status = 'pending'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS deliveries_push_pending_idx`.execute(db);
  await sql`
    ALTER TABLE deliveries
      DROP CONSTRAINT IF EXISTS deliveries_push_failure_recorded,
      DROP CONSTRAINT IF EXISTS deliveries_push_recorded,
      DROP COLUMN IF EXISTS remote_path,
      DROP COLUMN IF EXISTS push_error_message,
      DROP COLUMN IF EXISTS push_error_code,
      DROP COLUMN IF EXISTS pushed_at,
      DROP COLUMN IF EXISTS push_status`.execute(db);
  await sql`DROP TABLE IF EXISTS push_targets`.execute(db);
}
