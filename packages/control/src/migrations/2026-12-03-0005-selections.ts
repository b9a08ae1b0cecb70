import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A client's audience request and its life: draft → ordered → approved/rejected →
  // delivered/failed (a rejected selection may be ordered again). The CHECKs mirror the
  // functions that move it, so a stray UPDATE cannot skip a step or the four eyes.
  await sql`
    CREATE TABLE selections (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      client_org_id uuid NOT NULL REFERENCES organisations (id),
      name text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('postal', 'email', 'sms', 'phone')),
      purpose text NOT NULL CHECK (purpose IN ('targeting', 'enrichment', 'scoring', 'study')),
      campaign_start date NOT NULL,
      campaign_end date NOT NULL,
      criteria jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('draft', 'ordered', 'approved', 'rejected', 'delivered', 'failed')),
      created_by_ref text NOT NULL,
      created_by_principal uuid REFERENCES principals (id),
      created_at timestamptz NOT NULL,
      ordered_quantity integer CHECK (ordered_quantity > 0),
      ordered_by_ref text,
      ordered_at timestamptz,
      decided_by_ref text,
      decided_at timestamptz,
      decision_reason text,
      updated_at timestamptz NOT NULL,
      CONSTRAINT selections_campaign_window CHECK (campaign_start <= campaign_end),
      CONSTRAINT selections_order_recorded CHECK (
        status = 'draft'
        OR (ordered_quantity IS NOT NULL AND ordered_by_ref IS NOT NULL AND ordered_at IS NOT NULL)
      ),
      CONSTRAINT selections_decision_recorded CHECK (
        (status IN ('draft', 'ordered') AND decided_by_ref IS NULL AND decided_at IS NULL AND decision_reason IS NULL)
        OR (status NOT IN ('draft', 'ordered') AND decided_by_ref IS NOT NULL AND decided_at IS NOT NULL AND decision_reason IS NOT NULL)
      ),
      CONSTRAINT selections_four_eyes CHECK (
        decided_by_ref IS NULL OR (decided_by_ref <> created_by_ref AND decided_by_ref <> ordered_by_ref)
      )
    )`.execute(db);
  await sql`CREATE INDEX selections_client_idx ON selections (client_org_id, created_at)`.execute(
    db,
  );

  // Every count a client was shown. The exact total is no personal data; it is what the
  // anti-differencing rule compares new counts against.
  await sql`
    CREATE TABLE selection_counts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      selection_id uuid NOT NULL REFERENCES selections (id),
      client_org_id uuid NOT NULL REFERENCES organisations (id),
      counted_at timestamptz NOT NULL,
      counted_by_ref text NOT NULL,
      exact_total integer NOT NULL CHECK (exact_total >= 0),
      shown jsonb NOT NULL,
      blurred boolean NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX selection_counts_client_idx ON selection_counts (client_org_id, counted_at)`.execute(
    db,
  );
  await sql`CREATE INDEX selection_counts_selection_idx ON selection_counts (selection_id)`.execute(
    db,
  );

  // One delivery per selection: a retried job finds the row it started.
  await sql`
    CREATE TABLE deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      selection_id uuid NOT NULL UNIQUE REFERENCES selections (id),
      client_org_id uuid NOT NULL REFERENCES organisations (id),
      status text NOT NULL CHECK (status IN ('pending', 'written', 'failed', 'expired')),
      file_name text,
      size_bytes bigint CHECK (size_bytes >= 0),
      sha256 text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      row_count integer CHECK (row_count >= 0),
      seed_count integer CHECK (seed_count >= 0),
      recipient_key_fingerprint text,
      signer_fingerprint text,
      created_at timestamptz NOT NULL,
      written_at timestamptz,
      expires_at timestamptz NOT NULL,
      expired_at timestamptz,
      error_code text,
      error_message text,
      CONSTRAINT deliveries_file_recorded CHECK (
        status NOT IN ('written', 'expired')
        OR (file_name IS NOT NULL AND size_bytes IS NOT NULL AND sha256 IS NOT NULL AND row_count IS NOT NULL
            AND seed_count IS NOT NULL AND recipient_key_fingerprint IS NOT NULL
            AND signer_fingerprint IS NOT NULL AND written_at IS NOT NULL)
      ),
      CONSTRAINT deliveries_expiry_recorded CHECK ((status = 'expired') = (expired_at IS NOT NULL)),
      CONSTRAINT deliveries_failure_recorded CHECK ((status = 'failed') = (error_code IS NOT NULL))
    )`.execute(db);
  // A client's file names identify its deliveries (SFTP downloads look them up).
  await sql`CREATE UNIQUE INDEX deliveries_client_file_name ON deliveries (client_org_id, file_name) WHERE file_name IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX deliveries_client_idx ON deliveries (client_org_id, created_at)`.execute(
    db,
  );
  await sql`CREATE INDEX deliveries_written_expiry_idx ON deliveries (expires_at) WHERE status = 'written'`.execute(
    db,
  );

  // How many delivered persons came through each permitting member: what members see
  // of the use of their records, without any person.
  await sql`
    CREATE TABLE delivery_member_usage (
      delivery_id uuid NOT NULL REFERENCES deliveries (id),
      member_org_id uuid NOT NULL REFERENCES organisations (id),
      person_count integer NOT NULL CHECK (person_count > 0),
      PRIMARY KEY (delivery_id, member_org_id)
    )`.execute(db);
  await sql`CREATE INDEX delivery_member_usage_member_idx ON delivery_member_usage (member_org_id)`.execute(
    db,
  );

  // Seed records ("adresses témoins"): synthetic identities, no personal data. Their
  // contact points are unique across deliveries, so a contact names one delivery.
  await sql`
    CREATE TABLE delivery_seeds (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      delivery_id uuid NOT NULL REFERENCES deliveries (id),
      row_id text NOT NULL,
      civility text NOT NULL CHECK (civility IN ('M', 'MME')),
      first_name text NOT NULL,
      last_name text NOT NULL,
      address_lines jsonb NOT NULL CHECK (
        jsonb_typeof(address_lines) = 'array' AND jsonb_array_length(address_lines) BETWEEN 0 AND 6
      ),
      -- Seeds carry only the ordered channel's contact: no address outside postal.
      postcode text,
      email text,
      phone text CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
      created_at timestamptz NOT NULL,
      UNIQUE (delivery_id, row_id)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX delivery_seeds_email ON delivery_seeds (lower(email)) WHERE email IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE UNIQUE INDEX delivery_seeds_phone ON delivery_seeds (phone) WHERE phone IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX delivery_seeds_postal ON delivery_seeds (upper(last_name), postcode)`.execute(
    db,
  );

  await sql`
    CREATE TABLE seed_hits (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seed_id uuid NOT NULL REFERENCES delivery_seeds (id),
      delivery_id uuid NOT NULL REFERENCES deliveries (id),
      channel text NOT NULL CHECK (channel IN ('postal', 'email', 'sms', 'phone')),
      contacted_at timestamptz NOT NULL,
      reported_by_ref text NOT NULL,
      in_window boolean NOT NULL,
      channel_ordered boolean NOT NULL,
      created_at timestamptz NOT NULL,
      note text
    )`.execute(db);
  await sql`CREATE INDEX seed_hits_delivery_idx ON seed_hits (delivery_id)`.execute(db);

  // Alerts for people to act on; details hold IDs and counts only.
  await sql`
    CREATE TABLE alerts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('seed_hit_out_of_window', 'seed_hit_wrong_channel', 'access_denied_repeated', 'audit_chain_failed')),
      severity text NOT NULL CHECK (severity IN ('warning', 'critical')),
      delivery_id uuid REFERENCES deliveries (id),
      client_org_id uuid REFERENCES organisations (id),
      details jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      acknowledged_at timestamptz,
      acknowledged_by_ref text,
      CONSTRAINT alerts_acknowledgement_recorded CHECK ((acknowledged_at IS NULL) = (acknowledged_by_ref IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX alerts_created_idx ON alerts (created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'alerts',
    'seed_hits',
    'delivery_seeds',
    'delivery_member_usage',
    'deliveries',
    'selection_counts',
    'selections',
  ]) {
    await sql`DROP TABLE IF EXISTS ${sql.id(table)}`.execute(db);
  }
}
