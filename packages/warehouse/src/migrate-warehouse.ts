import type { DuckDBConnection } from '@duckdb/node-api';
import {
  ALL_RECORDS_WITH_ACTIVITY,
  personMemberPostcodesSql,
  personMemberPurchasesSql,
  personMemberReachSql,
  personPurchaseFactsSql,
} from './person-member-reach-sql.ts';

/**
 * The pool schema, as ordered migrations. A migration never changes once
 * released: add a new one. Dates are DATE, amounts DECIMAL(14,2), IDs BIGINT
 * from sequences (an older person or household has a smaller ID).
 */
const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'pool',
    sql: `
      CREATE SEQUENCE record_id_seq START 1;
      -- Person and household IDs are handed out in blocks by the one writer.
      CREATE TABLE id_counters (kind VARCHAR NOT NULL, last_id BIGINT NOT NULL);
      INSERT INTO id_counters VALUES ('person', 0), ('household', 0);

      -- One customer of one member, normalised (DESIGN.md "member record").
      CREATE TABLE member_records (
        record_id BIGINT NOT NULL,
        member_code VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        file_drop_id VARCHAR NOT NULL,
        source_line INTEGER,
        loaded_at TIMESTAMP NOT NULL,
        civility VARCHAR,
        first_name VARCHAR,
        last_name VARCHAR,
        first_name_key VARCHAR,
        last_name_key VARCHAR,
        last_name_phonetic VARCHAR,
        address_complement VARCHAR,
        address_building VARCHAR,
        street VARCHAR,
        house_number VARCHAR,
        number_suffix VARCHAR,
        street_type VARCHAR,
        street_name VARCHAR,
        street_key VARCHAR,
        address_locality VARCHAR,
        postcode VARCHAR,
        city VARCHAR,
        insee_code VARCHAR,
        commune_status VARCHAR,
        country VARCHAR,
        address_key VARCHAR,
        building_key VARCHAR,
        complement_key VARCHAR,
        dwelling_key VARCHAR,
        email VARCHAR,
        phone_mobile VARCHAR,
        phone_mobile_type VARCHAR,
        phone_landline VARCHAR,
        phone_landline_type VARCHAR,
        birth_date DATE,
        optin_email BOOLEAN NOT NULL,
        optin_sms BOOLEAN NOT NULL,
        optin_phone BOOLEAN NOT NULL,
        created_at DATE NOT NULL,
        -- md5 of the fields identity resolution reads: a change re-resolves the record.
        identity_hash VARCHAR NOT NULL,
        person_id BIGINT
      );

      -- Raw transactions, kept to recompute aggregates whichever file arrives first.
      CREATE TABLE transactions (
        member_code VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        transaction_id VARCHAR NOT NULL,
        transaction_date DATE NOT NULL,
        amount_eur DECIMAL(14, 2) NOT NULL,
        category VARCHAR,
        channel VARCHAR,
        file_drop_id VARCHAR NOT NULL
      );

      -- Per member record: its activity (DESIGN.md rule 4) and transaction aggregates.
      CREATE TABLE record_activity (
        member_code VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        first_transaction DATE,
        last_transaction DATE,
        transaction_count INTEGER NOT NULL,
        amount_eur DECIMAL(14, 2) NOT NULL
      );
      CREATE TABLE record_category_activity (
        member_code VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL,
        category VARCHAR NOT NULL,
        channel VARCHAR NOT NULL,
        first_transaction DATE NOT NULL,
        last_transaction DATE NOT NULL,
        transaction_count INTEGER NOT NULL,
        amount_eur DECIMAL(14, 2) NOT NULL
      );

      CREATE TABLE persons (
        person_id BIGINT NOT NULL,
        household_id BIGINT,
        dwelling_key VARCHAR,
        created_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL
      );
      CREATE TABLE households (
        household_id BIGINT NOT NULL,
        dwelling_key VARCHAR NOT NULL,
        person_count INTEGER NOT NULL,
        created_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL
      );
      -- IDs that stopped describing anyone: merged into another, or gone.
      CREATE TABLE retired_ids (
        kind VARCHAR NOT NULL,
        retired_id BIGINT NOT NULL,
        successor_id BIGINT,
        reason VARCHAR NOT NULL,
        retired_at TIMESTAMP NOT NULL
      );

      -- Drops already in the pool: a retried job never loads one twice.
      CREATE TABLE loaded_drops (
        file_drop_id VARCHAR NOT NULL,
        member_code VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        loaded_at TIMESTAMP NOT NULL,
        summary VARCHAR NOT NULL
      );

      -- Repoussoir matches of each person, by scope (refreshed from the control plane).
      CREATE TABLE person_oppositions (
        person_id BIGINT NOT NULL,
        scope VARCHAR NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'segments',
    sql: `
      -- Public, non-personal commune reference (découpage administratif), by INSEE code.
      CREATE TABLE ref_communes (
        insee_code VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        departement VARCHAR NOT NULL,
        departement_name VARCHAR,
        region VARCHAR NOT NULL,
        region_name VARCHAR,
        epci VARCHAR,
        epci_name VARCHAR,
        population INTEGER,
        population_class VARCHAR,
        reference_version VARCHAR NOT NULL
      );
      -- Public tables a user imported (stored as ref_<name>, keyed by insee_code).
      CREATE TABLE reference_tables (
        name VARCHAR NOT NULL,
        key_column VARCHAR NOT NULL,
        columns VARCHAR NOT NULL,
        rows BIGINT NOT NULL,
        source_file_name VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        imported_at TIMESTAMP NOT NULL
      );
      -- Every version of every segment definition the pool has computed.
      CREATE TABLE segment_definitions (
        name VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        level VARCHAR NOT NULL,
        description VARCHAR NOT NULL,
        values_json VARCHAR
      );
      -- Segments per person, per person and sector, per household (refresh-segments.ts).
      CREATE TABLE person_profile (
        person_id BIGINT NOT NULL,
        household_id BIGINT,
        civility VARCHAR,
        age_band VARCHAR NOT NULL,
        insee_code VARCHAR,
        departement VARCHAR,
        region VARCHAR,
        epci VARCHAR,
        population_class VARCHAR,
        household_size INTEGER,
        member_count INTEGER NOT NULL,
        multi_member_buyer BOOLEAN NOT NULL,
        reach_postal BOOLEAN NOT NULL,
        reach_email BOOLEAN NOT NULL,
        reach_sms BOOLEAN NOT NULL,
        reach_phone BOOLEAN NOT NULL,
        segments_version INTEGER NOT NULL,
        updated_at TIMESTAMP NOT NULL
      );
      CREATE TABLE person_sector_profile (
        person_id BIGINT NOT NULL,
        sector VARCHAR NOT NULL,
        first_transaction DATE,
        last_transaction DATE,
        transaction_count INTEGER NOT NULL,
        amount_eur DECIMAL(14, 2) NOT NULL,
        recency_score INTEGER NOT NULL,
        frequency_score INTEGER NOT NULL,
        monetary_score INTEGER NOT NULL,
        rfm_segment VARCHAR NOT NULL,
        appetence_score INTEGER NOT NULL
      );
      CREATE TABLE household_profile (
        household_id BIGINT NOT NULL,
        person_count INTEGER NOT NULL,
        insee_code VARCHAR,
        departement VARCHAR,
        region VARCHAR,
        population_class VARCHAR,
        reach_postal BOOLEAN NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'repoussoir-hashes',
    sql: `
      -- Keyed hashes (HMAC-SHA-256 under the platform secret) of each record's contact
      -- points, computed at load, so repoussoir entries match without clear values.
      ALTER TABLE member_records ADD COLUMN email_hmac VARCHAR;
      ALTER TABLE member_records ADD COLUMN mobile_hmac VARCHAR;
      ALTER TABLE member_records ADD COLUMN landline_hmac VARCHAR;
      ALTER TABLE member_records ADD COLUMN postal_hmac VARCHAR;
    `,
  },
  {
    version: 4,
    name: 'held-records',
    sql: `
      -- New records that look past retention only because their transactions have not
      -- arrived yet: kept out of the pool until a transactions file decides, at most
      -- HOLD_WITHOUT_ACTIVITY_DAYS (then deleted by the purge).
      CREATE TABLE held_records AS SELECT * FROM member_records LIMIT 0;
      ALTER TABLE held_records ADD COLUMN held_until DATE;
    `,
  },
  {
    version: 5,
    name: 'selections',
    sql: `
      -- The active repoussoir entries mirrored from the control plane (keyed hashes only),
      -- with the fingerprint of the set mirrored, so a count re-mirrors only on change.
      CREATE TABLE repoussoir_hashes (kind VARCHAR NOT NULL, hmac VARCHAR NOT NULL, scope VARCHAR NOT NULL);
      CREATE TABLE repoussoir_sync (fingerprint VARCHAR NOT NULL, synced_at TIMESTAMP NOT NULL);
      -- Who was delivered to whom: serves "exclude persons delivered to me in the last N days".
      -- Person IDs never leave the platform.
      CREATE TABLE delivered_persons (
        client_code VARCHAR NOT NULL,
        delivery_id VARCHAR NOT NULL,
        person_id BIGINT NOT NULL,
        delivered_on DATE NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'person-member-reach',
    sql: `
      -- Per person and member, maintained with the segment profiles: the latest activity
      -- of the person's records there, and per channel the latest activity of those
      -- records that carry the channel's contact with consent. A channel is usable
      -- through a member when that date is on or after the member's retention cutoff,
      -- so a count reads this instead of every record.
      CREATE TABLE person_member_reach (
        person_id BIGINT NOT NULL,
        member_code VARCHAR NOT NULL,
        last_activity DATE NOT NULL,
        last_postal DATE,
        last_email DATE,
        last_sms DATE,
        last_phone DATE,
        -- The birth date as this member knows it (MEMBER_BIRTH_DATE_SQL), for age criteria.
        birth_date DATE
      );
      -- Filled by migration 7, which adds a column (this migration once filled it itself;
      -- the schema and rows it leaves after 7 are the same either way).
      -- Marks are recomputed at the next selection.
      DELETE FROM repoussoir_sync;
    `,
  },
  {
    version: 7,
    name: 'selection-facts',
    sql: `
      -- Per person and member: the latest activity of the records with a purchase, so a
      -- "distinct members bought from" count reads this table instead of every record.
      ALTER TABLE person_member_reach ADD COLUMN last_buying DATE;
      -- How many members hold records of the person (its rows here): most persons have
      -- one, and a count needs no aggregation for them.
      ALTER TABLE person_member_reach ADD COLUMN member_count INTEGER;
      -- Filled by migration 8, which adds a column (this migration once filled it itself).
      -- Per record's person, member and last activity (retention is decided per record),
      -- category and day: the purchases and their amount, so purchase criteria of a count
      -- read this table instead of joining transactions to every record. Kept in step
      -- with the segment profiles.
      CREATE TABLE person_purchase_facts (
        person_id BIGINT NOT NULL,
        member_code VARCHAR NOT NULL,
        last_activity DATE NOT NULL,
        category VARCHAR,
        purchase_date DATE NOT NULL,
        purchases INTEGER NOT NULL,
        amount_eur DECIMAL(18, 2) NOT NULL
      );
      INSERT INTO person_purchase_facts ${personPurchaseFactsSql(ALL_RECORDS_WITH_ACTIVITY)};
      -- Per person, member and postcode: the latest activity per channel (as in
      -- person_member_reach), for postcode-prefix criteria of a count.
      CREATE TABLE person_member_postcodes (
        person_id BIGINT NOT NULL,
        member_code VARCHAR NOT NULL,
        postcode VARCHAR NOT NULL,
        last_postal DATE,
        last_email DATE,
        last_sms DATE,
        last_phone DATE
      );
      INSERT INTO person_member_postcodes ${personMemberPostcodesSql(ALL_RECORDS_WITH_ACTIVITY)};
    `,
  },
  {
    version: 8,
    name: 'birth-dates-agree',
    sql: `
      -- Whether all the members giving the person a birth date give the same one (the
      -- same on each of the person's rows): such a person's birth date is that one
      -- whichever members permit a release, so an age count ranks only the others.
      ALTER TABLE person_member_reach ADD COLUMN birth_dates_agree BOOLEAN;
      DELETE FROM person_member_reach;
      INSERT INTO person_member_reach ${personMemberReachSql(ALL_RECORDS_WITH_ACTIVITY)};
    `,
  },
  {
    version: 9,
    name: 'held-records-in-place',
    sql: `
      -- Every record kept, in the pool or held, in one table: a held record (see
      -- migration 4) is written once, and its transactions release it by clearing
      -- held_until instead of copying its row into the pool.
      ALTER TABLE member_records RENAME TO customer_records;
      ALTER TABLE customer_records ADD COLUMN held_until DATE;
      INSERT INTO customer_records BY NAME
        SELECT * EXCLUDE (record_id), nextval('record_id_seq') AS record_id FROM held_records;
      DROP TABLE held_records;
      -- Every read of the pool goes through this view, so a held record is never in a
      -- person, a segment or a selection. Writes go to customer_records. The views
      -- expand * when read: a column added to customer_records appears in both.
      CREATE VIEW member_records AS
        SELECT * EXCLUDE (held_until) FROM customer_records WHERE held_until IS NULL;
      CREATE VIEW held_records AS
        SELECT * FROM customer_records WHERE held_until IS NOT NULL;
    `,
  },
  {
    version: 10,
    name: 'repoussoir-mirror-by-version',
    sql: `
      -- The mirror catches up by the control plane's repoussoir versions instead of
      -- being replaced whole (a national list holds millions of entries): each entry
      -- keeps its id, so a withdrawal removes exactly it, and repoussoir_mirror holds
      -- the head (epoch, version) the mirror stands at. Emptied here: the next sync
      -- reads the list from the start, and the marks are recomputed then.
      DROP TABLE repoussoir_hashes;
      CREATE TABLE repoussoir_hashes (
        entry_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        hmac VARCHAR NOT NULL,
        scope VARCHAR NOT NULL
      );
      CREATE TABLE repoussoir_mirror (epoch VARCHAR NOT NULL, version BIGINT NOT NULL);
      DELETE FROM repoussoir_sync;
    `,
  },
  {
    version: 11,
    name: 'pool-rewrite-due',
    sql: `
      -- Deleted rows keep their bytes in the file's free blocks until the file is
      -- rewritten (compactWarehouse). One row per kind of deletion committed since the
      -- last rewrite (retention, suppressed_customers, erasure, offboarding), with when
      -- it first happened; the rewrite empties it in the fresh file, and the daily pass
      -- rewrites the file while it is not empty (rewritePoolFileIfDue).
      CREATE TABLE pool_rewrite_due (reason VARCHAR NOT NULL, since TIMESTAMP NOT NULL);
      -- A pool that holds data already may have purged before this table existed.
      INSERT INTO pool_rewrite_due
        SELECT 'migration', current_timestamp::TIMESTAMP
        WHERE EXISTS (SELECT 1 FROM customer_records) OR EXISTS (SELECT 1 FROM retired_ids);
    `,
  },
  {
    version: 12,
    name: 'delivered-person-suppliers',
    sql: `
      -- Per delivered person, the members whose criteria records qualified it (the
      -- permitting members' records the extraction read): a member's access answer lists
      -- the deliveries of its customer's person it supplied, never those other members
      -- supplied alone. A row lives while its member still holds a record of the person
      -- (refreshPool), and goes with a failed attempt of its delivery. Deliveries made
      -- before this migration have no rows: who supplied them is not known.
      CREATE TABLE delivered_person_suppliers (
        delivery_id VARCHAR NOT NULL,
        person_id BIGINT NOT NULL,
        member_code VARCHAR NOT NULL
      );
    `,
  },
  {
    version: 13,
    name: 'person-member-purchases',
    sql: `
      -- Per record's person, member and last activity: the first and last purchase day,
      -- the purchases and their amount (person_purchase_facts summed over category and
      -- day), so a count by a sector's RFM segment reads one row per record instead of
      -- one per purchase day. Kept in step with person_purchase_facts.
      CREATE TABLE person_member_purchases (
        person_id BIGINT NOT NULL,
        member_code VARCHAR NOT NULL,
        last_activity DATE NOT NULL,
        first_purchase DATE NOT NULL,
        last_purchase DATE NOT NULL,
        purchases INTEGER NOT NULL,
        amount_eur DECIMAL(18, 2) NOT NULL
      );
      INSERT INTO person_member_purchases ${personMemberPurchasesSql('person_purchase_facts')};
    `,
  },
  {
    version: 14,
    name: 'audit-outbox',
    sql: `
      -- The audit events of a pool change (a build's purge, an erasure's counts), written
      -- in the change's own transaction and delivered to the control plane's audit chain
      -- after the commit (deliverPoolAuditOutbox): a crash between the two no longer loses
      -- the record of a deletion. A row goes once its event is in the chain; the chain
      -- refuses a second event with the same outbox_id. Counts and IDs only.
      CREATE SEQUENCE audit_outbox_seq START 1;
      CREATE TABLE audit_outbox (
        outbox_id VARCHAR NOT NULL,
        -- Delivery order: the order the change wrote its events in.
        position BIGINT NOT NULL,
        event VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL
      );
    `,
  },
  {
    version: 15,
    name: 'pool-identity',
    sql: `
      -- The pool's identity, drawn once when the pool is created (or first migrated): the
      -- control plane records the ID of the platform's pool, so a second data directory's
      -- pool is refused for jobs (docs/pool.md "One writer"). A backup, a restore and a
      -- rewrite of the file keep it.
      CREATE TABLE pool_identity (pool_id VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL);
      INSERT INTO pool_identity VALUES (CAST(uuid() AS VARCHAR), current_timestamp);
    `,
  },
  {
    version: 16,
    name: 'retention-tombstones',
    sql: `
      -- What the pool remembers of a customer it deleted for retention (or whose hold
      -- lapsed), so that a member re-sending it is not loaded again as if new: keyed by
      -- HMAC-SHA-256 of customerSuppressionKey(member, customer ID) under the platform's
      -- secret, never the customer ID; dates only. See docs/pool.md, "Retention tombstones".
      CREATE TABLE retention_tombstones (
        member_code VARCHAR NOT NULL,
        customer_hmac VARCHAR NOT NULL,
        -- The deleted record's collection date (created_at, or its first file's day).
        collected_on DATE NOT NULL,
        -- Its last activity when deleted (last transaction, or collection date).
        last_activity DATE NOT NULL,
        -- The end of the hold it had (or has again while held): a re-send holds it no
        -- longer than that. NULL: deleted from the pool, no hold since.
        held_until DATE,
        deleted_on DATE NOT NULL
      );
    `,
  },
];

/**
 * Brings the pool schema up to date (or up to `upTo`, for tests of an upgrade)
 * inside one transaction per migration.
 *
 * @example
 * await migrateWarehouse(connection);
 */
export async function migrateWarehouse(
  connection: DuckDBConnection,
  upTo = Number.POSITIVE_INFINITY,
): Promise<void> {
  await connection.run(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)',
  );
  const applied = new Set(
    (await connection.runAndReadAll('SELECT version FROM schema_migrations'))
      .getRowsJS()
      .map((row) => Number(row[0])),
  );
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version) || migration.version > upTo) continue;
    await connection.run('BEGIN TRANSACTION');
    try {
      await connection.run(migration.sql);
      await connection.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK');
      throw error;
    }
  }
}
