import { HOLD_WITHOUT_ACTIVITY_DAYS, retentionCutoff } from '@alliage/domain';
import type { DuckDBConnection } from '@duckdb/node-api';
import { hmacSql } from './hmac-sql.ts';
import type { TPoolRewriteReason } from './mark-pool-rewrite-due.ts';
import { stageRetentionTombstones, writeRetentionTombstones } from './retention-tombstones.ts';
import { sqlIdentifier } from './sql-literal.ts';
import { stageSuppressedCustomers } from './stage-suppressed-customers.ts';

export interface MergeStagedOptions {
  connection: DuckDBConnection;
  /** Stage-table prefix of this drop. */
  prefix: string;
  memberCode: string;
  fileDropId: string;
  retentionMonths: number;
  /** ISO date of the platform clock. */
  today: string;
  now: Date;
  /** The platform's HMAC secret: contact points are hashed with it for the repoussoir. */
  hmacSecret: string;
  /**
   * The member's suppressions: HMACs of `customerSuppressionKey(member, customerId)` of
   * customers erased on a rights request. Their rows are dropped (counted as `suppressed`).
   */
  suppressedCustomerHmacs?: readonly string[];
}

/** What a merge changed, and where the changed record IDs are (a TEMP table). */
export interface TMergeResult {
  counts: {
    inserted: number;
    updated: number;
    removed: number;
    /** Records (or transactions of unknown customers) not loaded because already past retention. */
    expiredAtIntake: number;
    /** Distinct customer_ids of a transactions file with no record in the pool (yet). */
    unknownCustomers: number;
    /** New records with no transaction yet and collected before the cutoff, held awaiting their transactions. */
    held: number;
    /** Held customers whose transactions arrived and brought them into the pool. */
    releasedFromHold: number;
    /** Rows of customers erased on a rights request: dropped, never loaded again. */
    suppressed: number;
  };
  /** TEMP table of (`record_id`, previous `person_id`) inserted, changed or removed: identity resolution starts there. */
  changedRecordsTable: string;
  /** TEMP table of (`member_code`, `customer_id`) whose record or activity changed: their segments are refreshed. */
  affectedCustomersTable: string;
  /**
   * The kinds of deletion the merge left in the pool file's free blocks (a record
   * deleted, a stored value overwritten): the caller marks each (`markPoolRewriteDue`).
   */
  rewriteReasons: TPoolRewriteReason[];
}

/** Fields identity resolution reads: when their hash changes, the record is resolved again. */
export const IDENTITY_FIELDS = [
  'civility',
  'first_name_key',
  'last_name_key',
  'last_name_phonetic',
  'birth_date',
  'email',
  'phone_mobile',
  'phone_landline',
  'postcode',
  'insee_code',
  'address_key',
  'dwelling_key',
];

/**
 * Every value a record stores from its customers file (as normalised, with what is
 * derived from it): a re-sent record that changes one of them leaves the old value in
 * the pool file's free blocks. Bookkeeping (drop, line, load time) and what is keyed
 * from these (hashes, HMACs) are left out.
 */
const RECORD_VALUE_FIELDS = [
  'civility',
  'first_name',
  'last_name',
  'first_name_key',
  'last_name_key',
  'last_name_phonetic',
  'address_complement',
  'address_building',
  'street',
  'house_number',
  'number_suffix',
  'street_type',
  'street_name',
  'street_key',
  'address_locality',
  'postcode',
  'city',
  'insee_code',
  'commune_status',
  'country',
  'address_key',
  'building_key',
  'complement_key',
  'dwelling_key',
  'email',
  'phone_mobile',
  'phone_mobile_type',
  'phone_landline',
  'phone_landline_type',
  'birth_date',
  'optin_email',
  'optin_sms',
  'optin_phone',
  'created_at',
];

/**
 * A 64-bit hash of the record's stored values. Compared rather than the values: the
 * join then carries 8 bytes per stored record instead of every column (twice the time
 * of the join, measured on 1M records). Two different sets of values hashing alike
 * (about 1 in 2^64) would only leave one rewrite unmarked.
 */
const RECORD_VALUES_HASH = `hash(struct_pack(${RECORD_VALUE_FIELDS.map((field) => `${field} := ${field}`).join(', ')}))`;

/**
 * A customer's last activity: its last transaction, else its collection date — unless
 * the pool deleted it for retention (a tombstone) and the file does not give a collection
 * date after that deletion: then the activity the pool knew when it deleted it, so that
 * re-sending a customer (without a date, or with the date of a new CRM's creation) does
 * not make it new again.
 */
const ACTIVITY = `coalesce(last_transaction,
  CASE WHEN tomb_deleted_on IS NOT NULL AND (created_at_from_reception OR created_at <= tomb_deleted_on)
       THEN tomb_last_activity ELSE created_at END)`;

/**
 * The tombstones' side of a merge, inside its transaction: customers back in the pool
 * lose theirs; one held again has the end of its hold recorded; one the file brought
 * past retention (a record deleted, a hold lapsed, a tombstoned customer dropped) gets one.
 */
async function keepRetentionTombstones(
  options: MergeStagedOptions,
  temp: (suffix: string) => string,
  tombstoned: boolean,
  droppedAsExpired: boolean,
): Promise<void> {
  const { connection, hmacSecret } = options;
  const member = options.memberCode;
  if (tombstoned) {
    await connection.run(
      `DELETE FROM retention_tombstones WHERE member_code = $1 AND customer_hmac IN (
         SELECT tomb.customer_hmac FROM ${temp('tomb')} tomb JOIN ${temp('incoming')} i USING (customer_id)
         WHERE NOT i.expired)`,
      [member],
    );
    await connection.run(
      `UPDATE retention_tombstones t SET held_until = r.held_until
       FROM ${temp('tomb')} tomb JOIN held_records r ON r.member_code = $1 AND r.customer_id = tomb.customer_id
       WHERE t.member_code = $1 AND t.customer_hmac = tomb.customer_hmac AND t.held_until IS NULL`,
      [member],
    );
  }
  // Nothing was dropped or deleted as expired: no tombstone to write (the common file).
  if (!droppedAsExpired) return;
  await writeRetentionTombstones(connection, {
    hmacSecret,
    today: options.today,
    sourceSql: `SELECT $1 AS member_code, customer_id, created_at AS collected_on,
        ${ACTIVITY} AS last_activity,
        -- A record deleted from the pool may be held once when re-sent; a hold that lapsed, never again.
        CASE WHEN record_id IS NULL THEN held_until_before END AS held_until
      FROM ${temp('incoming')}
      WHERE expired AND NOT held
        AND (record_id IS NOT NULL OR held_record_id IS NOT NULL OR tomb_deleted_on IS NOT NULL)`,
    params: [member],
  });
}

/** The second half of a merge: the pool writes, inside the caller's transaction. */
export type TApplyMerge = () => Promise<TMergeResult>;

/**
 * Merges a validated customers file into `member_records`, in two steps.
 * `prepareCustomerMerge` reads what the merge needs into TEMP tables BEFORE the
 * caller opens the pool transaction (one writer: nothing changes the pool in
 * between), because DuckDB scans a TEMP table filled inside an open transaction
 * on one thread only (as in duckdb/duckdb#18074) — the records' INSERT took ~65%
 * longer when its source was built in the transaction. The function it returns
 * does the writes, inside the caller's transaction: new customers get a record
 * ID, known ones are replaced in place (keeping record and person IDs), records
 * already past retention are not loaded (and deleted if present) — except new
 * ones with no transaction known yet, which are held (`held_until` set: in
 * `held_records`, not in the pool's `member_records` — no person, no segment, no
 * selection) for their transactions file, at most `HOLD_WITHOUT_ACTIVITY_DAYS` after the
 * file that first held them (a re-send never extends a hold) —
 * and a full (non-delta) file removes the member's customers it no longer lists,
 * with their transactions. Rows rejected in this file leave an existing record
 * untouched.
 *
 * @example
 * const applyMerge = await prepareCustomerMerge({ ...options, delta: false });
 * await connection.run('BEGIN TRANSACTION');
 * const merged = await applyMerge();
 */
export async function prepareCustomerMerge(
  options: MergeStagedOptions & { delta: boolean },
): Promise<TApplyMerge> {
  const { connection, prefix } = options;
  const t = (suffix: string) => `stage.${sqlIdentifier(`${prefix}_${suffix}`)}`;
  const temp = (suffix: string) => sqlIdentifier(`${prefix}_${suffix}`);
  const cutoff = retentionCutoff(options.today, options.retentionMonths);
  const member = options.memberCode;
  const isSuppressed = await stageSuppressedCustomers(connection, {
    table: `${prefix}_suppressed`,
    memberCode: member,
    hmacSecret: options.hmacSecret,
    hashes: options.suppressedCustomerHmacs ?? [],
  });
  const suppressed = Number(
    (
      await connection.runAndReadAll(
        `SELECT count(*) FROM ${t('normalized')} n
         WHERE n.line NOT IN (SELECT line FROM ${t('errors')} WHERE fatal) AND ${isSuppressed('n.customer_id')}`,
      )
    ).getRowsJS()[0]?.[0] ?? 0,
  );

  // Customers deleted for retention (or whose hold lapsed) that the file lists again.
  const tombstoned = await stageRetentionTombstones(connection, {
    table: `${prefix}_tomb`,
    memberCode: member,
    hmacSecret: options.hmacSecret,
    listedSql: `SELECT customer_id FROM ${t('normalized')}`,
  });
  // Accepted rows with their previous record (if any) and their activity.
  const named = options.delta
    ? `AND customer_id IN (SELECT customer_id FROM ${t('normalized')})`
    : '';
  const identityHash = `md5(concat_ws('|', ${IDENTITY_FIELDS.map((field) => `coalesce(CAST(${field} AS VARCHAR), '')`).join(', ')}))`;
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${temp('incoming')} AS
     SELECT * EXCLUDE (previous_values_hash), ${identityHash} AS identity_hash,
       -- The file changes a value the pool (or the hold) stores for this customer: the
       -- old one stays in the file's free blocks once the record is written again. Read
       -- here, where the stored record is joined anyway, rather than by a second join.
       previous_values_hash IS DISTINCT FROM ${RECORD_VALUES_HASH} AS values_changed,
       ${ACTIVITY} < CAST($2 AS DATE) AS expired,
       -- New to the pool, no transaction known yet, collected before the cutoff: an active
       -- customer whose transactions file has not arrived, or a prospect past retention.
       -- Held (out of the pool) until the transactions decide, at most HOLD_WITHOUT_ACTIVITY_DAYS
       -- from the first file that held it: a re-send never extends the hold, and once it
       -- has lapsed the customer is expired like any other.
       ${ACTIVITY} < CAST($2 AS DATE)
         AND last_transaction IS NULL AND record_id IS NULL
         AND (held_until_before IS NULL OR held_until_before >= CAST($3 AS DATE)) AS held
     FROM (
     SELECT n.* REPLACE (
         -- A blank created_at is the reception date: for a customer already known (in the
         -- pool or held) the earliest collection date known stays, or a prospect re-sent
         -- in every full base would never reach the retention cutoff.
         CASE WHEN n.created_at_from_reception
              THEN least(n.created_at, coalesce(old.created_at, held.created_at, ${tombstoned ? 'tomb.collected_on, ' : ''}n.created_at))
              ELSE n.created_at END AS created_at),
       -- Mirrors dwellingKey().
       CASE WHEN n.address_key IS NOT NULL
            THEN n.address_key || '|' || coalesce(n.building_key, '') || '|' || coalesce(n.complement_key, '') END AS dwelling_key,
       old.record_id, old.person_id, old.identity_hash AS previous_hash,
       held.record_id AS held_record_id,
       ${tombstoned ? 'coalesce(held.held_until, tomb.held_until)' : 'held.held_until'} AS held_until_before,
       ${tombstoned ? 'tomb.last_activity' : 'CAST(NULL AS DATE)'} AS tomb_last_activity,
       ${tombstoned ? 'tomb.deleted_on' : 'CAST(NULL AS DATE)'} AS tomb_deleted_on,
       coalesce(old.values_hash, held.values_hash) AS previous_values_hash,
       ra.last_transaction
     FROM ${t('normalized')} n
     -- The stored values' hash is computed before the joins (of this member's records
     -- only), so that only it goes through them; for a delta, of the records it names only
     -- (a 50,000-row delta of a 292,000-customer member: 0.93 → 0.39 s; a full base lists
     -- nearly all of them, where the filter would cost more than it saves).
     LEFT JOIN (SELECT *, ${RECORD_VALUES_HASH} AS values_hash FROM member_records
       WHERE member_code = $1 ${named}) old ON old.customer_id = n.customer_id
     LEFT JOIN (SELECT *, ${RECORD_VALUES_HASH} AS values_hash FROM held_records
       WHERE member_code = $1 ${named}) held ON held.customer_id = n.customer_id
     LEFT JOIN record_activity ra ON ra.member_code = $1 AND ra.customer_id = n.customer_id
     ${tombstoned ? `LEFT JOIN ${temp('tomb')} tomb ON tomb.customer_id = n.customer_id` : ''}
     WHERE n.line NOT IN (SELECT line FROM ${t('errors')} WHERE fatal)
       -- Customers erased on a rights request never come back.
       AND NOT ${isSuppressed('n.customer_id')}) accepted`,
    [member, cutoff, options.today],
  );
  // Removed: expired at intake, or (full file) no longer listed at all, not even on a rejected line.
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${temp('removed')} AS
     SELECT record_id, customer_id, person_id, false AS omitted FROM ${temp('incoming')} WHERE expired AND record_id IS NOT NULL
     ${
       options.delta
         ? ''
         : `UNION
     SELECT r.record_id, r.customer_id, r.person_id, true AS omitted FROM member_records r
     WHERE r.member_code = $1
       AND r.customer_id NOT IN (SELECT customer_id FROM ${t('listed')})`
     }`,
    options.delta ? [] : [member],
  );
  // Held customers a full file no longer lists are deleted too.
  const omittedHeld = options.delta
    ? '0'
    : `(SELECT count(*) FROM held_records WHERE member_code = $1
         AND customer_id NOT IN (SELECT customer_id FROM ${t('listed')}))`;
  const counts = (
    await connection.runAndReadAll(
      `SELECT
         count(*) FILTER (WHERE NOT expired AND record_id IS NULL),
         count(*) FILTER (WHERE NOT expired AND record_id IS NOT NULL),
         count(*) FILTER (WHERE expired AND NOT held),
         (SELECT count(*) FROM ${temp('removed')}),
         count(*) FILTER (WHERE held),
         (SELECT count(*) FROM ${temp('removed')} WHERE omitted) + ${omittedHeld},
         -- Written again with a value changed (an expired one is deleted: retention).
         count(*) FILTER (WHERE values_changed AND (record_id IS NOT NULL OR held_record_id IS NOT NULL)
           AND (NOT expired OR held))
       FROM ${temp('incoming')}`,
      options.delta ? [] : [member],
    )
  ).getRowsJS()[0] as bigint[];
  const rewriteReasons: TPoolRewriteReason[] = [];
  if (Number(counts[2]) > 0) rewriteReasons.push('retention');
  if (Number(counts[5]) > 0) rewriteReasons.push('customers_omitted');
  if (Number(counts[6]) > 0) rewriteReasons.push('values_replaced');

  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${temp('changed')} AS
     SELECT record_id, person_id FROM ${temp('removed')}
     UNION
     SELECT record_id, person_id FROM ${temp('incoming')}
     WHERE NOT expired AND record_id IS NOT NULL AND previous_hash <> identity_hash`,
  );
  // Whose segments, marks and activity the drop may change: customers new to the pool and
  // those with a stored value changed (a re-sent record with the same values derives the
  // same segments and hashes: a monthly full base refreshes what changed, not every
  // person), and removed ones, whose transactions go with their records.
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${temp('affected')} AS
     SELECT DISTINCT $1 AS member_code, customer_id FROM ${temp('incoming')}
     WHERE NOT expired AND (record_id IS NULL OR values_changed)
     UNION
     SELECT $1, customer_id FROM ${temp('removed')}`,
    [member],
  );

  return async () => {
    // Replaced and removed records go; so do held ones, which each file replaces with its
    // record ID and end of hold (and a full base drops when it no longer lists them).
    await connection.run(
      `DELETE FROM customer_records WHERE member_code = $1 AND (
       record_id IN (SELECT record_id FROM ${temp('removed')})
       OR record_id IN (SELECT record_id FROM ${temp('incoming')} WHERE NOT expired AND record_id IS NOT NULL)
       OR held_until IS NOT NULL AND (
         customer_id IN (SELECT customer_id FROM ${temp('incoming')})
         ${options.delta ? '' : `OR customer_id NOT IN (SELECT customer_id FROM ${t('listed')})`}))`,
      [member],
    );
    await connection.run(
      `DELETE FROM transactions WHERE member_code = $1 AND customer_id IN (SELECT customer_id FROM ${temp('removed')})`,
      [member],
    );
    const recordColumns = `
       $1 AS member_code, customer_id, $2 AS file_drop_id, line AS source_line,
       CAST($3 AS TIMESTAMP) AS loaded_at,
       ${RECORD_VALUE_FIELDS.join(', ')}, identity_hash, person_id,
       ${hmacSql(options.hmacSecret, 'email')} AS email_hmac,
       ${hmacSql(options.hmacSecret, 'phone_mobile')} AS mobile_hmac,
       ${hmacSql(options.hmacSecret, 'phone_landline')} AS landline_hmac,
       -- Mirrors postalRepoussoirKey(): last name|first name|postcode|street key, or the
       -- locality's for an address with no street line (postal_place_key, see postalPlaceKey()).
       ${hmacSql(
         options.hmacSecret,
         `CASE WHEN last_name_key IS NULL OR postcode IS NULL OR postal_place_key IS NULL THEN NULL
            ELSE last_name_key || '|' || coalesce(first_name_key, '') || '|' || postcode || '|' || postal_place_key END`,
       )} AS postal_hmac`;
    // Records in the pool and held ones (held_until set: outside the pool until their
    // transactions come), written once.
    await connection.run(
      `INSERT INTO customer_records BY NAME
     SELECT coalesce(record_id, held_record_id, nextval('record_id_seq')) AS record_id, ${recordColumns},
       CASE WHEN held THEN coalesce(held_until_before,
         CAST($4 AS DATE) + INTERVAL (${HOLD_WITHOUT_ACTIVITY_DAYS}) DAY) END AS held_until
     FROM ${temp('incoming')} WHERE NOT expired OR held`,
      [member, options.fileDropId, options.now.toISOString(), options.today],
    );
    await keepRetentionTombstones(options, temp, tombstoned, Number(counts[2]) > 0);
    // New records have no person yet.
    await connection.run(
      `INSERT INTO ${temp('changed')}
     SELECT record_id, NULL FROM member_records WHERE member_code = $1 AND person_id IS NULL
       AND record_id NOT IN (SELECT record_id FROM ${temp('changed')})`,
      [member],
    );
    return {
      affectedCustomersTable: temp('affected'),
      counts: {
        inserted: Number(counts[0]),
        updated: Number(counts[1]),
        expiredAtIntake: Number(counts[2]),
        removed: Number(counts[3]),
        unknownCustomers: 0,
        held: Number(counts[4]),
        releasedFromHold: 0,
        suppressed,
      },
      changedRecordsTable: temp('changed'),
      rewriteReasons,
    };
  };
}
