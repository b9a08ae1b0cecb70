import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE file_drops (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organisation_id uuid NOT NULL REFERENCES organisations (id),
      file_name text NOT NULL,
      source text NOT NULL CHECK (source IN ('sftp', 'pull')),
      size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      storage_path text NOT NULL,
      status text NOT NULL CHECK (status IN ('received', 'processing', 'accepted', 'rejected', 'duplicate')),
      attempts integer NOT NULL DEFAULT 0,
      file_kind text CHECK (file_kind IN ('customers', 'transactions')),
      signer_fingerprint text,
      row_count integer,
      rejected_row_count integer,
      rejection_reason text,
      duplicate_of uuid REFERENCES file_drops (id),
      report jsonb,
      received_at timestamptz NOT NULL,
      finished_at timestamptz,
      updated_at timestamptz NOT NULL
    )`.execute(db);
  // One accepted drop per content and member: the same bytes are never loaded twice.
  await sql`CREATE UNIQUE INDEX file_drops_accepted_sha256 ON file_drops (organisation_id, sha256) WHERE status = 'accepted'`.execute(
    db,
  );
  await sql`CREATE INDEX file_drops_organisation_idx ON file_drops (organisation_id, received_at)`.execute(
    db,
  );
  await sql`CREATE INDEX file_drops_pending_idx ON file_drops (status) WHERE status IN ('received', 'processing')`.execute(
    db,
  );

  await sql`
    CREATE TABLE member_dialects (
      organisation_id uuid PRIMARY KEY REFERENCES organisations (id),
      profile jsonb NOT NULL,
      updated_at timestamptz NOT NULL,
      updated_by text NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS member_dialects`.execute(db);
  await sql`DROP TABLE IF EXISTS file_drops`.execute(db);
}
