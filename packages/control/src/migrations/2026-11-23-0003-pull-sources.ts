import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One source per member: where its files wait on its own SFTP/MFT server. The SSH
  // private key the platform logs in with is a platform secret, never stored here.
  await sql`
    CREATE TABLE pull_sources (
      organisation_id uuid PRIMARY KEY REFERENCES organisations (id),
      host text NOT NULL,
      port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
      username text NOT NULL,
      remote_dir text NOT NULL,
      host_key_sha256 text NOT NULL CHECK (host_key_sha256 ~ '^SHA256:[A-Za-z0-9+/]{43}$'),
      interval_minutes integer CHECK (interval_minutes >= 1),
      enabled boolean NOT NULL,
      last_run_at timestamptz,
      updated_at timestamptz NOT NULL,
      updated_by text NOT NULL
    )`.execute(db);

  // What was fetched, by the remote file's identity (path, size, mtime): a file is
  // fetched once, and fetched again only if the member replaces it.
  await sql`
    CREATE TABLE pulled_files (
      organisation_id uuid NOT NULL REFERENCES organisations (id),
      remote_path text NOT NULL,
      remote_size bigint NOT NULL CHECK (remote_size >= 0),
      remote_mtime timestamptz NOT NULL,
      file_drop_id uuid NOT NULL REFERENCES file_drops (id),
      pulled_at timestamptz NOT NULL,
      CONSTRAINT pulled_files_remote_identity UNIQUE (organisation_id, remote_path, remote_size, remote_mtime)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS pulled_files`.execute(db);
  await sql`DROP TABLE IF EXISTS pull_sources`.execute(db);
}
