import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * The person's birth date as one member knows it: that of its most recently
 * active record giving one (ties: the earliest date). An aggregate over the
 * person's records at one member, shared by the precomputed table and the exact
 * selection path so both read the same birth date.
 */
export const MEMBER_BIRTH_DATE_SQL =
  'arg_max(birth_date, (last_activity, -epoch(birth_date))) FILTER (WHERE birth_date IS NOT NULL)';

// Per channel (postal, email, sms, phone), the latest activity of the records that
// carry the channel's contact with consent.
const CHANNEL_LAST_ACTIVITY_SQL = `max(last_activity) FILTER (WHERE address_key IS NOT NULL
        AND coalesce(commune_status = 'matched', false) AND last_name IS NOT NULL),
      max(last_activity) FILTER (WHERE email IS NOT NULL AND optin_email),
      max(last_activity) FILTER (WHERE phone_mobile IS NOT NULL
        AND coalesce(phone_mobile_type = 'mobile', false) AND optin_sms),
      max(last_activity) FILTER (WHERE (phone_mobile IS NOT NULL OR phone_landline IS NOT NULL)
        AND optin_phone)`;

/**
 * The rows of `person_member_reach` from `source`, a relation of member records
 * with `person_id`, `member_code`, `last_activity`, `transaction_count` and the
 * contact columns: per person and member, the latest activity, per channel the
 * latest activity of the records carrying that channel's contact with consent
 * (the rules of the reach_* segments and of the selection compiler's
 * CONTACT_SQL), the member's birth date of the person, the latest activity of
 * the records with at least one purchase (for "distinct members bought from"),
 * how many members hold records of the person (rows of the person here), and
 * whether all the members giving the person a birth date give the same one.
 *
 * @example
 * await connection.run(`INSERT INTO person_member_reach ${personMemberReachSql('sg_records')}`);
 */
export function personMemberReachSql(source: string): string {
  return `SELECT *, count(*) OVER person,
      coalesce(min(birth_date) OVER person = max(birth_date) OVER person, true)
    FROM (
    SELECT person_id, member_code, max(last_activity),
      ${CHANNEL_LAST_ACTIVITY_SQL},
      ${MEMBER_BIRTH_DATE_SQL} AS birth_date,
      max(last_activity) FILTER (WHERE transaction_count > 0)
    FROM ${source} GROUP BY person_id, member_code)
    WINDOW person AS (PARTITION BY person_id)`;
}

/**
 * The rows of `person_purchase_facts` from `source` (member records with
 * `person_id`, `member_code`, `customer_id` and `last_activity`): per person,
 * member, record's last activity, category and day, the purchases and their
 * amount — what the purchase criteria of the exact path read from
 * `transactions`, without the join to the records. Ordered by day, so windowed
 * criteria skip the older row groups.
 *
 * @example
 * await connection.run(`INSERT INTO person_purchase_facts ${personPurchaseFactsSql('sg_records')}`);
 */
export function personPurchaseFactsSql(source: string): string {
  return `SELECT r.person_id, r.member_code, r.last_activity, t.category,
      t.transaction_date AS purchase_date, count(*) AS purchases, sum(t.amount_eur) AS amount_eur
    FROM ${source} r
    JOIN transactions t ON t.member_code = r.member_code AND t.customer_id = r.customer_id
    GROUP BY r.person_id, r.member_code, r.last_activity, t.category, t.transaction_date
    ORDER BY t.transaction_date`;
}

/**
 * The rows of `person_member_purchases` from `source`, a relation with the columns
 * of `person_purchase_facts`: per person, member and record's last activity, the
 * first and last purchase day, the purchases and their amount — the facts summed
 * over category and day, so a count by a sector's RFM segment adds up one row per
 * record rather than one per purchase day.
 *
 * @example
 * await connection.run(`INSERT INTO person_member_purchases ${personMemberPurchasesSql('person_purchase_facts')}`);
 */
export function personMemberPurchasesSql(source: string): string {
  return `SELECT person_id, member_code, last_activity, min(purchase_date), max(purchase_date),
      sum(purchases), sum(amount_eur)
    FROM ${source} GROUP BY person_id, member_code, last_activity`;
}

/**
 * The rows of `person_member_postcodes` from `source` (as for
 * `personMemberReachSql`, with `postcode`): per person, member and postcode,
 * per channel the latest activity of the records at that postcode carrying the
 * channel's contact with consent — what postcode-prefix criteria of a count read.
 *
 * @example
 * await connection.run(`INSERT INTO person_member_postcodes ${personMemberPostcodesSql('sg_records')}`);
 */
export function personMemberPostcodesSql(source: string): string {
  return `SELECT person_id, member_code, postcode, ${CHANNEL_LAST_ACTIVITY_SQL}
    FROM ${source} WHERE postcode IS NOT NULL GROUP BY person_id, member_code, postcode`;
}

/** Every resolved record with its last activity, as `personMemberReachSql` reads them. */
export const ALL_RECORDS_WITH_ACTIVITY = `(SELECT r.*, coalesce(a.last_transaction, r.created_at) AS last_activity,
      coalesce(a.transaction_count, 0) AS transaction_count
    FROM member_records r
    LEFT JOIN record_activity a ON a.member_code = r.member_code AND a.customer_id = r.customer_id
    WHERE r.person_id IS NOT NULL)`;

/**
 * Recomputes `person_member_reach`, `person_member_postcodes`, `person_purchase_facts` and
 * `person_member_purchases` for the whole pool and has the next
 * selection re-mirror the repoussoir marks, in the caller's transaction (for
 * pools written other than by the build, e.g. test fixtures).
 *
 * @example
 * await refreshSelectionFacts(connection);
 */
export async function refreshSelectionFacts(connection: DuckDBConnection): Promise<void> {
  await connection.run('DELETE FROM person_member_reach');
  await connection.run(
    `INSERT INTO person_member_reach ${personMemberReachSql(ALL_RECORDS_WITH_ACTIVITY)}`,
  );
  await connection.run('DELETE FROM person_member_postcodes');
  await connection.run(
    `INSERT INTO person_member_postcodes ${personMemberPostcodesSql(ALL_RECORDS_WITH_ACTIVITY)}`,
  );
  await connection.run('DELETE FROM person_purchase_facts');
  await connection.run(
    `INSERT INTO person_purchase_facts ${personPurchaseFactsSql(ALL_RECORDS_WITH_ACTIVITY)}`,
  );
  await connection.run('DELETE FROM person_member_purchases');
  await connection.run(
    `INSERT INTO person_member_purchases ${personMemberPurchasesSql('person_purchase_facts')}`,
  );
  await connection.run('DELETE FROM repoussoir_sync');
}
