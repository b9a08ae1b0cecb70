import {
  appetenceFromDecayedSpendSql,
  decayedAmountSql,
  frequencyScoreSql,
  monetaryScoreSql,
  recencyScoreSql,
  rfmSegmentSql,
  wholeMonthsSql,
} from './segment-sql.ts';

/**
 * The columns of `person_sector_profile` (but `sector`) for one sector, computed
 * within a selection from the person's **criteria records** at the sector's members
 * only: members that permit this release (`sel_permits`), records within retention.
 * A member whose instruction forbids the client never shapes a segment or a score
 * the client selects or ranks by (DESIGN.md rule 1), as for purchase criteria.
 * One row per person holding such a record (no transaction: `prospect`, score 0).
 *
 * Both paths add the purchases up per person and day first (exact decimals), then
 * decay per day, so a count and an extraction score a person alike.
 *
 * @example
 * const cte = `sel_sector_0 AS (${sectorProfileSql({ sectorMembers: '$p3', today: 'CAST($p0 AS DATE)', precomputed: true, memberInRetention })})`;
 */
export function sectorProfileSql(options: {
  /** SQL: a bound VARCHAR[] of the member codes of the sector. */
  sectorMembers: string;
  /** SQL: the platform's today, a DATE. */
  today: string;
  /** Read the precomputed facts (counts) rather than `sel_records` (extraction). */
  precomputed: boolean;
  /**
   * Precomputed path: SQL of a member-level last activity within the member's
   * retention on a permitted channel (`sel_records` holds only such records).
   */
  memberInRetention?: (lastActivity: string) => string;
  /**
   * Whether `appetence_score` is read (default true). Without it the purchases are
   * summed per person directly: the other columns are exact sums (integers, decimals),
   * the same whatever the order, and the per-day step (for the decay) is saved.
   */
  appetence?: boolean;
  /**
   * Only the persons with a purchase in the sector (default false): when the caller
   * filters on a value a person without any cannot have, the holders of records
   * without purchases need not be listed (every buyer is such a holder).
   */
  purchasersOnly?: boolean;
}): string {
  const inRetention = options.memberInRetention;
  if (options.precomputed && !inRetention) {
    throw new Error('the precomputed sector profile needs memberInRetention');
  }
  const inSector = (column: string) => `${column} IN (SELECT unnest(${options.sectorMembers}))`;
  // Persons with a criteria record at a member of the sector, and their purchases there by day.
  const holders = options.precomputed
    ? `SELECT DISTINCT f.person_id FROM person_member_reach f
      JOIN sel_permits p ON p.member_code = f.member_code
      WHERE ${inSector('f.member_code')} AND ${inRetention?.('f.last_activity')}`
    : `SELECT DISTINCT r.person_id FROM sel_records r WHERE ${inSector('r.member_code')}`;
  // The sector's purchases as rows of (person, first day, last day, purchases, amount):
  // per person and day when the decay needs them summed first (both paths then score
  // alike); otherwise as they come — per record from `person_member_purchases` on the
  // precomputed path (one row per record, not per purchase day: exact sums either way).
  const byDay = options.appetence !== false;
  const days = !options.precomputed
    ? `SELECT r.person_id, t.transaction_date AS first_day, t.transaction_date AS last_day,
        ${byDay ? 'count(*)' : '1'} AS purchases, ${byDay ? 'sum(t.amount_eur)' : 't.amount_eur'} AS amount_eur
      FROM sel_records r
      JOIN transactions t ON t.member_code = r.member_code AND t.customer_id = r.customer_id
      WHERE ${inSector('r.member_code')}
      ${byDay ? 'GROUP BY r.person_id, t.transaction_date' : ''}`
    : byDay
      ? `SELECT a.person_id, a.purchase_date AS first_day, a.purchase_date AS last_day,
          sum(a.purchases) AS purchases, sum(a.amount_eur) AS amount_eur
        FROM person_purchase_facts a
        JOIN sel_permits p ON p.member_code = a.member_code
        WHERE ${inSector('a.member_code')} AND ${inRetention?.('a.last_activity')}
        GROUP BY a.person_id, a.purchase_date`
      : `SELECT a.person_id, a.first_purchase AS first_day, a.last_purchase AS last_day,
          a.purchases, a.amount_eur
        FROM person_member_purchases a
        JOIN sel_permits p ON p.member_code = a.member_code
        WHERE ${inSector('a.member_code')} AND ${inRetention?.('a.last_activity')}`;
  const ageMonths = wholeMonthsSql('last_day', options.today);
  const perPerson = `SELECT person_id, min(first_day) AS first_transaction, max(last_day) AS last_transaction,
      sum(purchases) AS transaction_count, sum(amount_eur) AS amount_eur,
      ${byDay ? `sum(${decayedAmountSql('amount_eur', ageMonths)})` : 'NULL::DOUBLE'} AS decayed_spend
    FROM (${days}) GROUP BY person_id`;
  const [source, personId] = options.purchasersOnly
    ? [`(${perPerson}) d`, 'd.person_id']
    : [`(${holders}) h LEFT JOIN (${perPerson}) d ON d.person_id = h.person_id`, 'h.person_id'];
  return `SELECT *, ${rfmSegmentSql('recency_score', 'frequency_score', 'monetary_score')} AS rfm_segment
    FROM (
      SELECT ${personId} AS person_id, d.first_transaction, d.last_transaction,
        coalesce(d.transaction_count, 0) AS transaction_count,
        coalesce(d.amount_eur, 0) AS amount_eur,
        ${recencyScoreSql('d.last_transaction', options.today)} AS recency_score,
        ${frequencyScoreSql('coalesce(d.transaction_count, 0)')} AS frequency_score,
        ${monetaryScoreSql('coalesce(d.amount_eur, 0)')} AS monetary_score,
        ${byDay ? appetenceFromDecayedSpendSql('coalesce(d.decayed_spend, 0)') : 'NULL::INTEGER'} AS appetence_score
      FROM ${source}
    )`;
}
