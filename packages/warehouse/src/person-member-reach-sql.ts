import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * The person's birth date as one member knows it: that of its most recently
 * active record giving one (ties: the earliest date). An aggregate over the
 * person's records at one member, shared by the precomputed table and the exact
 * selection path so both read the same birth date.
 */
export const MEMBER_BIRTH_DATE_SQL =
  'arg_max(birth_date, (last_activity, -epoch(birth_date))) FILTER (WHERE birth_date IS NOT NULL)';

/**
 * The rows of `person_member_reach` from `source`, a relation of member records
 * with `person_id`, `member_code`, `last_activity` and the contact columns: per
 * person and member, the latest activity, and per channel the latest activity
 * of the records carrying that channel's contact with consent (the rules of
 * the reach_* segments and of the selection compiler's CONTACT_SQL).
 *
 * @example
 * await connection.run(`INSERT INTO person_member_reach ${personMemberReachSql('sg_records')}`);
 */
export function personMemberReachSql(source: string): string {
  return `SELECT person_id, member_code, max(last_activity),
      max(last_activity) FILTER (WHERE address_key IS NOT NULL
        AND coalesce(commune_status = 'matched', false) AND last_name IS NOT NULL),
      max(last_activity) FILTER (WHERE email IS NOT NULL AND optin_email),
      max(last_activity) FILTER (WHERE phone_mobile IS NOT NULL
        AND coalesce(phone_mobile_type = 'mobile', false) AND optin_sms),
      max(last_activity) FILTER (WHERE (phone_mobile IS NOT NULL OR phone_landline IS NOT NULL)
        AND optin_phone),
      ${MEMBER_BIRTH_DATE_SQL}
    FROM ${source} GROUP BY person_id, member_code`;
}

/** Every resolved record with its last activity, as `personMemberReachSql` reads them. */
export const ALL_RECORDS_WITH_ACTIVITY = `(SELECT r.*, coalesce(a.last_transaction, r.created_at) AS last_activity
    FROM member_records r
    LEFT JOIN record_activity a ON a.member_code = r.member_code AND a.customer_id = r.customer_id
    WHERE r.person_id IS NOT NULL)`;

/**
 * Recomputes `person_member_reach` for the whole pool and has the next
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
  await connection.run('DELETE FROM repoussoir_sync');
}
