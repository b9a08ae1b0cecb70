import { type Kysely, sql } from 'kysely';

// Migrations must run on PostgreSQL 15 (Debian) and PGlite 0.5 (PostgreSQL 18):
// plain DDL, plpgsql triggers, gen_random_uuid() (core since PG 13).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE organisations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL UNIQUE,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('member', 'client', 'both')),
      sector text NOT NULL,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'offboarded')),
      contract_start date,
      contract_end date,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`.execute(db);

  await sql`
    CREATE TABLE principals (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organisation_id uuid REFERENCES organisations (id),
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('operator', 'compliance', 'member_admin', 'member_user', 'client_marketer')),
      created_at timestamptz NOT NULL,
      disabled_at timestamptz,
      -- staff roles belong to no organisation; every other role to exactly one
      CHECK ((role IN ('operator', 'compliance')) = (organisation_id IS NULL))
    )`.execute(db);

  await sql`
    CREATE TABLE api_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      principal_id uuid NOT NULL REFERENCES principals (id),
      name text,
      token_hash text NOT NULL UNIQUE,
      token_prefix text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz
    )`.execute(db);

  await sql`
    CREATE TABLE organisation_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organisation_id uuid NOT NULL REFERENCES organisations (id),
      key_type text NOT NULL CHECK (key_type IN ('ssh', 'pgp')),
      fingerprint text NOT NULL,
      algorithm text NOT NULL,
      bits integer,
      public_key text NOT NULL,
      expires_at timestamptz,
      created_at timestamptz NOT NULL,
      revoked_at timestamptz,
      UNIQUE (organisation_id, key_type, fingerprint)
    )`.execute(db);

  await sql`
    CREATE TABLE instructions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organisation_id uuid NOT NULL REFERENCES organisations (id),
      version integer NOT NULL CHECK (version >= 1),
      body jsonb NOT NULL,
      signed_by text NOT NULL,
      effective_from date NOT NULL,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      UNIQUE (organisation_id, version)
    )`.execute(db);

  await sql`
    CREATE TABLE audit_events (
      seq bigint PRIMARY KEY CHECK (seq >= 1),
      occurred_at timestamptz NOT NULL,
      actor text NOT NULL,
      action text NOT NULL,
      object_type text,
      object_id text,
      organisation_code text,
      instruction_version integer,
      details jsonb NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL UNIQUE
    )`.execute(db);
  await sql`CREATE INDEX audit_events_action_idx ON audit_events (action, seq)`.execute(db);
  await sql`CREATE INDEX audit_events_organisation_idx ON audit_events (organisation_code, seq)`.execute(
    db,
  );
  await sql`CREATE INDEX audit_events_occurred_idx ON audit_events (occurred_at)`.execute(db);

  // Append-only tables: the application's own connection can never rewrite history.
  await sql`
    CREATE FUNCTION alliage_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
    END
    $$`.execute(db);
  for (const table of ['audit_events', 'instructions']) {
    await sql`
      CREATE TRIGGER ${sql.id(`${table}_no_update_delete`)}
      BEFORE UPDATE OR DELETE ON ${sql.table(table)}
      FOR EACH ROW EXECUTE FUNCTION alliage_refuse_change()`.execute(db);
    await sql`
      CREATE TRIGGER ${sql.id(`${table}_no_truncate`)}
      BEFORE TRUNCATE ON ${sql.table(table)}
      FOR EACH STATEMENT EXECUTE FUNCTION alliage_refuse_change()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_events',
    'instructions',
    'organisation_keys',
    'api_tokens',
    'principals',
    'organisations',
  ]) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)} CASCADE`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS alliage_refuse_change()`.execute(db);
}
