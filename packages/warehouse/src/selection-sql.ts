import { type TChannel, type TSelectionCriteria, ZChannel } from '@alliage/domain';
import { compileCriteriaSql } from './selection-criteria-sql.ts';
import { SelectionParameters } from './selection-parameters.ts';
import type { TSelectionScope } from './selection-scope.ts';

/** The channels, in a fixed order. */
export const CHANNELS: readonly TChannel[] = ZChannel.options;

/**
 * A member record carries the channel's contact with consent (mirror of the
 * reach_* flags of refresh-segments.ts; postal has no consent flag, only opposition).
 */
export const CONTACT_SQL: Record<TChannel, string> = {
  postal: `r.address_key IS NOT NULL AND coalesce(r.commune_status = 'matched', false) AND r.last_name IS NOT NULL`,
  email: 'r.email IS NOT NULL AND r.optin_email',
  sms: `r.phone_mobile IS NOT NULL AND coalesce(r.phone_mobile_type = 'mobile', false) AND r.optin_sms`,
  phone: '(r.phone_mobile IS NOT NULL OR r.phone_landline IS NOT NULL) AND r.optin_phone',
};

/** The WITH clause of a selection, up to `sel_ranked`, and its parameters. */
export interface TSelectionSql {
  /** `WITH ... sel_ranked AS (...)`: one row per candidate person (criteria applied). */
  withClause: string;
  parameters: SelectionParameters;
  /** SQL: today's date, bound among `parameters` on first use. */
  today: () => string;
}

/**
 * Builds the common part of the count and extract queries (see docs/selections.md,
 * "Eligibility and compilation"). CTEs, in order:
 * - `sel_permits`: per permitting member, its retention cutoff on each channel (NULL: not permitted);
 * - `sel_records`: the records of those members within retention on at least one
 *   permitted channel (the *criteria records*), each with `usable_<channel>`;
 * - `sel_persons`: persons with at least one usable record, per-channel usability;
 * - `sel_opposed`: persons one of whose records (ANY member) matches a repoussoir
 *   entry, by channel in scope ('all' or the channel; phone entries match mobile and landline);
 * - criteria CTEs, then `sel_candidates`: persons matching every criterion, with
 *   `eligible_<channel>`, and `sel_ranked`: `household_first` marks the one person
 *   kept per household (smallest person_id among those eligible on the scope channel).
 *
 * @example
 * const { withClause, parameters } = buildSelectionSql(criteria, scope);
 */
export function buildSelectionSql(
  criteria: TSelectionCriteria,
  scope: TSelectionScope,
  options: { precomputed?: boolean } = {},
): TSelectionSql {
  const parameters = new SelectionParameters();
  // Bound on first use: DuckDB refuses a named parameter the SQL does not use.
  let todayPlaceholder: string | null = null;
  const today = () => {
    todayPlaceholder ??= `CAST(${parameters.add('varchar', scope.today)} AS DATE)`;
    return todayPlaceholder;
  };

  // One row per member permitted on at least one channel, with a cutoff per channel.
  const members = [
    ...new Set(
      CHANNELS.flatMap((channel) => scope.permittingMembers[channel].map((m) => m.memberCode)),
    ),
  ].sort();
  const cutoffColumns = CHANNELS.map((channel) => {
    const cutoffs = members.map(
      (member) =>
        scope.permittingMembers[channel].find((permit) => permit.memberCode === member)
          ?.retentionCutoff ?? null,
    );
    return `CAST(unnest(${parameters.add('varchar_list', cutoffs)}) AS DATE) AS cutoff_${channel}`;
  });
  const inRetention = (channel: TChannel) =>
    `coalesce(coalesce(a.last_transaction, r.created_at) >= p.cutoff_${channel}, false)`;

  const eligible = (channel: TChannel) =>
    `(s.usable_${channel} AND NOT coalesce(o.opposed_${channel}, false))`;
  // Counts read the precomputed facts; extraction reads the records themselves.
  const precomputed = options.precomputed ?? false;
  // Parenthesised: it is ANDed with other conditions.
  const memberInRetention = (lastActivity: string) =>
    `(${CHANNELS.map((channel) => `coalesce(${lastActivity} >= p.cutoff_${channel}, false)`).join(' OR ')})`;
  const criteriaSql = compileCriteriaSql(criteria, scope, parameters, {
    today,
    eligible,
    precomputed,
    memberInRetention,
  });
  if (precomputed && criteriaSql.ctes.some((cte) => cte.includes('sel_records'))) {
    throw new Error('a criterion needs the records but the precomputed path was chosen');
  }

  // Precomputed path: conditions on the person's profile alone, and person-id
  // semi-joins on tables or on the criteria CTEs placed before `sel_persons` (segments;
  // age, purchases, postcodes), narrow the scan before it aggregates (DuckDB does not
  // push them through the aggregation by itself); `sel_candidates` need not repeat them.
  const narrowing = precomputed
    ? criteriaSql.conditions.filter(
        (condition) =>
          (condition.startsWith('pp.') && !/\b[sbo]\./.test(condition)) ||
          /^s\.person_id IN \(SELECT person_id FROM (person_profile|sel_sector_\d+|sel_purchase_\d+|sel_postcode|sel_age)\b/.test(
            condition,
          ),
      )
    : [];
  const conditions = criteriaSql.conditions.filter((condition) => !narrowing.includes(condition));
  // Every parameter added must appear in the SQL (DuckDB refuses to bind an unused name).
  if (criteria.excludeOwnCustomers) {
    const client = parameters.add('varchar', scope.clientCode);
    conditions.push(`s.person_id NOT IN (SELECT person_id FROM member_records
      WHERE member_code = ${client} AND person_id IS NOT NULL)`);
  }
  if (criteria.excludeDeliveredWithinDays !== undefined) {
    const client = parameters.add('varchar', scope.clientCode);
    const days = parameters.add('integer', criteria.excludeDeliveredWithinDays);
    conditions.push(`s.person_id NOT IN (SELECT person_id FROM delivered_persons
      WHERE client_code = ${client} AND delivered_on >= ${today()} - ${days})`);
  }

  const householdKey = criteria.onePerHousehold
    ? 'coalesce(pp.household_id, -s.person_id)'
    : 's.person_id';
  const householdFirst = criteria.onePerHousehold
    ? `row_number() OVER (PARTITION BY household_key, eligible_${scope.channel} ORDER BY person_id) = 1`
    : 'true';

  const profileConditions = [
    ...narrowing.map((condition) =>
      condition.startsWith('pp.')
        ? `f.person_id IN (SELECT pp.person_id FROM person_profile pp WHERE ${condition})`
        : condition.replace(/^s\.person_id/, 'f.person_id'),
    ),
    ...criteriaSql.reachFilters,
  ];
  const criteriaCtes = criteriaSql.ctes.map((cte) => `  ${cte},\n`).join('');
  const withClause = `WITH
  sel_permits AS (
    SELECT unnest(${parameters.add('varchar_list', members)}) AS member_code, ${cutoffColumns.join(', ')}
  ),
${
  // The precomputed path's criteria CTEs read only the facts and `sel_permits`, and
  // narrow `sel_persons`; the exact path's read `sel_records`.
  precomputed
    ? `${criteriaCtes}${precomputedPersonsSql(profileConditions, criteriaSql.personAggregates)}`
    : `${recordPersonsSql(inRetention, criteriaSql.personAggregates)}${criteriaCtes}`
}  sel_candidates AS (
    SELECT s.person_id, pp.household_id, pp.departement, ${householdKey} AS household_key,
      ${CHANNELS.map((channel) => `${eligible(channel)} AS eligible_${channel}`).join(', ')}
    FROM sel_persons s
    LEFT JOIN sel_opposed o ON o.person_id = s.person_id
    LEFT JOIN person_profile pp ON pp.person_id = s.person_id
    ${criteriaSql.joins.join('\n    ')}
    ${conditions.length > 0 ? `WHERE ${conditions.join('\n      AND ')}` : ''}
  ),
  sel_ranked AS (
    SELECT *, ${householdFirst} AS household_first FROM sel_candidates
  )`;
  return { withClause, parameters, today };
}

/**
 * `sel_persons` and `sel_opposed` read from the precomputed `person_member_reach`
 * (usability) and `person_oppositions` (marks kept in step with the repoussoir
 * mirror): what counts use when no criterion needs the records themselves. Gives
 * the same persons as `recordPersonsSql` (tested).
 */
function precomputedPersonsSql(
  profileConditions: readonly string[],
  personAggregates: readonly string[],
): string {
  const usable = (channel: TChannel) =>
    `bool_or(coalesce(f.last_${channel} >= p.cutoff_${channel}, false))`;
  const narrow = profileConditions.length > 0 ? `WHERE ${profileConditions.join(' AND ')}` : '';
  return `  sel_persons AS (
    SELECT f.person_id, ${CHANNELS.map((channel) => `${usable(channel)} AS usable_${channel}`).join(', ')}
      ${personAggregates.map((aggregate) => `, ${aggregate}`).join('')}
    FROM person_member_reach f
    JOIN sel_permits p ON p.member_code = f.member_code
    ${narrow}
    GROUP BY f.person_id
    HAVING ${CHANNELS.map(usable).join(' OR ')}
  ),
  sel_opposed AS (
    SELECT person_id, ${CHANNELS.map((channel) => `bool_or(scope IN ('all', '${channel}')) AS opposed_${channel}`).join(', ')}
    FROM person_oppositions GROUP BY person_id
  ),
`;
}

/**
 * `sel_records`, `sel_persons` and `sel_opposed` read from every record of the
 * permitting members, and the repoussoir against every contact point of every
 * record of the person, any member: what extraction (and counts with
 * record-level criteria) use.
 */
function recordPersonsSql(
  inRetention: (channel: TChannel) => string,
  personAggregates: readonly string[],
): string {
  return `  -- Records of permitting members, within retention for at least one permitted channel.
  sel_records AS (
    SELECT * FROM (
      SELECT r.record_id, r.person_id, r.member_code, r.customer_id, r.postcode, r.birth_date,
        coalesce(a.last_transaction, r.created_at) AS last_activity,
        coalesce(a.transaction_count, 0) AS transaction_count,
        ${CHANNELS.map((channel) => `${inRetention(channel)} AND ${CONTACT_SQL[channel]} AS usable_${channel}`).join(',\n        ')},
        ${CHANNELS.map(inRetention).join(' OR ')} AS in_scope
      FROM member_records r
      JOIN sel_permits p ON p.member_code = r.member_code
      LEFT JOIN record_activity a ON a.member_code = r.member_code AND a.customer_id = r.customer_id
      WHERE r.person_id IS NOT NULL
    ) WHERE in_scope
  ),
  sel_persons AS (
    SELECT r.person_id,
      ${CHANNELS.map((channel) => `bool_or(r.usable_${channel}) AS usable_${channel}`).join(', ')}
      ${personAggregates.map((aggregate) => `, ${aggregate}`).join('')}
    FROM (SELECT *, ${CHANNELS.map((channel) => `usable_${channel}`).join(' OR ')} AS usable_any
      FROM sel_records) r
    GROUP BY r.person_id
    HAVING bool_or(r.usable_any)
  ),
  sel_opposed AS (
    SELECT person_id, ${CHANNELS.map((channel) => `bool_or(scope IN ('all', '${channel}')) AS opposed_${channel}`).join(', ')}
    FROM (
      SELECT r.person_id, h.scope FROM member_records r JOIN repoussoir_hashes h ON h.kind = 'email' AND h.hmac = r.email_hmac
      UNION ALL
      SELECT r.person_id, h.scope FROM member_records r JOIN repoussoir_hashes h ON h.kind = 'phone' AND h.hmac = r.mobile_hmac
      UNION ALL
      SELECT r.person_id, h.scope FROM member_records r JOIN repoussoir_hashes h ON h.kind = 'phone' AND h.hmac = r.landline_hmac
      UNION ALL
      SELECT r.person_id, h.scope FROM member_records r JOIN repoussoir_hashes h ON h.kind = 'postal' AND h.hmac = r.postal_hmac
    ) WHERE person_id IS NOT NULL
    GROUP BY person_id
  ),
`;
}
