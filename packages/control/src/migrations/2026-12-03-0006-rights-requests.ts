import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Data subjects' requests (GDPR Art. 15–22). The identity given is kept ONLY as keyed
  // hashes of its normalised contact points (kind + HMAC), never in clear. The deadline is
  // one calendar month from receipt, extendable by at most two more (Art. 12(3)).
  await sql`
    CREATE TABLE rights_requests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      type text NOT NULL CHECK (type IN ('access', 'erasure', 'opposition', 'rectification', 'portability')),
      status text NOT NULL CHECK (status IN ('open', 'forwarded', 'closed')),
      received_at timestamptz NOT NULL,
      due_at timestamptz NOT NULL,
      extension_months integer NOT NULL DEFAULT 0 CHECK (extension_months BETWEEN 0 AND 2),
      extended_until timestamptz,
      extension_reason text,
      verification text NOT NULL,
      opposition_scope text CHECK (opposition_scope IN ('all', 'postal', 'email', 'sms', 'phone')),
      identity_hashes jsonb NOT NULL CHECK (jsonb_typeof(identity_hashes) = 'array' AND jsonb_array_length(identity_hashes) > 0),
      duplicate_of uuid REFERENCES rights_requests (id),
      created_at timestamptz NOT NULL,
      created_by_ref text NOT NULL,
      closed_at timestamptz,
      close_reason text,
      updated_at timestamptz NOT NULL,
      CONSTRAINT rights_requests_opposition_scope CHECK ((type = 'opposition') = (opposition_scope IS NOT NULL)),
      CONSTRAINT rights_requests_extension_recorded CHECK (
        (extension_months = 0 AND extended_until IS NULL AND extension_reason IS NULL)
        OR (extension_months > 0 AND extended_until IS NOT NULL AND extension_reason IS NOT NULL)
      ),
      CONSTRAINT rights_requests_closure_recorded CHECK (
        (status = 'closed') = (closed_at IS NOT NULL AND close_reason IS NOT NULL)
      )
    )`.execute(db);
  await sql`CREATE INDEX rights_requests_open_idx ON rights_requests (due_at) WHERE status <> 'closed'`.execute(
    db,
  );

  // One request at one member holding records of the person: the member's own customer
  // IDs only (members are the controllers; nothing of another member is forwarded).
  await sql`
    CREATE TABLE rights_request_items (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      request_id uuid NOT NULL REFERENCES rights_requests (id),
      member_org_id uuid NOT NULL REFERENCES organisations (id),
      customer_ids jsonb NOT NULL CHECK (jsonb_typeof(customer_ids) = 'array'),
      status text NOT NULL CHECK (status IN ('pending', 'forwarded', 'answered', 'erasure_confirmed', 'failed')),
      report_file text,
      data_file text,
      error_code text,
      error_message text,
      confirmed_at timestamptz,
      confirmed_by_ref text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      UNIQUE (request_id, member_org_id),
      CONSTRAINT rights_request_items_failure_recorded CHECK ((status = 'failed') = (error_code IS NOT NULL))
    )`.execute(db);
  await sql`CREATE INDEX rights_request_items_member_idx ON rights_request_items (member_org_id, created_at)`.execute(
    db,
  );

  // What a later file must not bring back: a member's customer erased on request, as the
  // HMAC of `MEMBER|CUSTOMER_ID` (and optionally a contact point's hash).
  await sql`
    CREATE TABLE suppressions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      member_org_id uuid NOT NULL REFERENCES organisations (id),
      customer_id_hmac text NOT NULL CHECK (customer_id_hmac ~ '^[0-9a-f]{64}$'),
      contact_kind text CHECK (contact_kind IN ('email', 'phone', 'postal')),
      contact_hmac text CHECK (contact_hmac ~ '^[0-9a-f]{64}$'),
      request_id uuid REFERENCES rights_requests (id),
      created_at timestamptz NOT NULL,
      CONSTRAINT suppressions_contact_pair CHECK ((contact_kind IS NULL) = (contact_hmac IS NULL))
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX suppressions_member_customer ON suppressions (member_org_id, customer_id_hmac)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['suppressions', 'rights_request_items', 'rights_requests']) {
    await sql`DROP TABLE IF EXISTS ${sql.id(table)}`.execute(db);
  }
}
