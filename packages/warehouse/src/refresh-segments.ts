import { SEGMENT_DEFINITIONS, SEGMENTS_VERSION } from '@alliage/domain';
import { type DuckDBConnection, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import {
  personMemberPostcodesSql,
  personMemberPurchasesSql,
  personMemberReachSql,
  personPurchaseFactsSql,
} from './person-member-reach-sql.ts';
import {
  ageBandSql,
  appetenceFromDecayedSpendSql,
  decayedAmountSql,
  frequencyScoreSql,
  monetaryScoreSql,
  mostFrequentValueSql,
  recencyScoreSql,
  rfmSegmentSql,
  sqlDate,
  wholeMonthsSql,
} from './segment-sql.ts';

export interface RefreshSegmentsOptions {
  connection: DuckDBConnection;
  /** Recompute every profile rather than those the change touches. */
  full: boolean;
  /** member_code → sector of every member; records of members not listed get no sector profile. */
  memberSectors: Map<string, string>;
  /** Members whose records or activity changed in this build (their persons are refreshed). */
  memberCodes: string[];
  /** TEMP table (member_code, customer_id) whose records or activity changed: their persons are refreshed. */
  affectedCustomersTable?: string | null;
  /** ISO date of the platform clock. */
  today: string;
  now: Date;
}

/** How many profiles a refresh rewrote. */
export interface TSegmentChanges {
  persons: number;
  households: number;
}

/**
 * Recomputes the segment profiles (`person_profile`, `person_sector_profile`,
 * `household_profile`) and the selection facts (`person_member_reach`,
 * `person_member_postcodes`, `person_purchase_facts`, `person_member_purchases`) inside the caller's transaction, scratch data in TEMP
 * tables only. Incremental unless `full`: the persons in TEMP table
 * `ir_touched_persons`, the persons with a record of `memberCodes`, the persons
 * whose household changed since their profile was written (the household pass
 * also moves untouched neighbours), then every person of those persons' old and
 * new households (their household size changed). Profiles of persons and
 * households that no longer exist are deleted. Also records the current
 * `SEGMENT_DEFINITIONS` in `segment_definitions`. A change of `ref_communes` or
 * of a member's sector needs a `full` refresh.
 *
 * @example
 * await refreshSegments({ connection, full: false, memberSectors, memberCodes: ['M01'], today: '2026-06-30', now });
 */
export async function refreshSegments(options: RefreshSegmentsOptions): Promise<TSegmentChanges> {
  const { connection } = options;
  const today = sqlDate(options.today);
  await recordDefinitions(connection);
  const sectors = [...options.memberSectors.entries()];
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE sg_member_sectors AS
     SELECT unnest($1::VARCHAR[]) AS member_code, unnest($2::VARCHAR[]) AS sector`,
    [listValue(sectors.map(([member]) => member)), listValue(sectors.map(([, sector]) => sector))],
    [LIST(VARCHAR), LIST(VARCHAR)],
  );

  // 1. Scope, and removal of the profiles about to be rewritten or describing no one.
  if (options.full) {
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE sg_scope_persons AS SELECT person_id FROM persons`,
    );
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE sg_scope_households AS SELECT household_id FROM households`,
    );
    for (const table of [
      'person_profile',
      'person_sector_profile',
      'household_profile',
      'person_member_reach',
      'person_purchase_facts',
      'person_member_purchases',
      'person_member_postcodes',
    ]) {
      await connection.run(`DELETE FROM ${table}`);
    }
  } else {
    await defineIncrementalScope(
      connection,
      options.memberCodes,
      options.affectedCustomersTable ?? null,
    );
    for (const table of [
      'person_profile',
      'person_sector_profile',
      'person_member_reach',
      'person_purchase_facts',
      'person_member_purchases',
      'person_member_postcodes',
    ]) {
      // Persons who are gone are in scope (they are touched), so no anti-join over the
      // whole table with `persons` is needed to find their profiles.
      await connection.run(`DELETE FROM ${table}
        WHERE person_id IN (SELECT person_id FROM sg_scope_persons)`);
    }
    // A household that is gone was some scope person's (its persons left or are gone).
    await connection.run(`DELETE FROM household_profile
      WHERE household_id IN (SELECT household_id FROM sg_scope_households)`);
  }

  // The persons in scope that exist (gone ones are in scope only for their profiles'
  // deletion): the statements below start from this slice, not from the whole table.
  await connection.run(`CREATE OR REPLACE TEMP TABLE sg_live_persons AS
    SELECT person_id, household_id, dwelling_key FROM persons
    WHERE person_id IN (SELECT person_id FROM sg_scope_persons)`);

  // 2. The records of the persons in scope, with their activity.
  await connection.run(`CREATE OR REPLACE TEMP TABLE sg_records AS
    SELECT r.record_id, r.person_id, r.member_code, r.customer_id, r.civility, r.birth_date, r.postcode,
      r.insee_code, r.dwelling_key, r.address_key, r.commune_status, r.last_name, r.email,
      r.optin_email, r.phone_mobile, r.phone_mobile_type, r.optin_sms, r.phone_landline, r.optin_phone,
      a.first_transaction, a.last_transaction,
      coalesce(a.transaction_count, 0) AS transaction_count,
      coalesce(a.amount_eur, 0) AS amount_eur,
      coalesce(a.last_transaction, r.created_at) AS last_activity
    -- Persons filtered before the activity join, not after it over the whole pool.
    FROM (SELECT * FROM member_records r
      WHERE r.person_id IN (SELECT person_id FROM sg_live_persons)) r
    LEFT JOIN record_activity a ON a.member_code = r.member_code AND a.customer_id = r.customer_id`);

  // What selections count from: per person and member, the latest activity of the
  // records that reach each channel (same contact rules as the reach_* flags below).
  await connection.run(`INSERT INTO person_member_reach ${personMemberReachSql('sg_records')}`);
  await connection.run(`INSERT INTO person_purchase_facts ${personPurchaseFactsSql('sg_records')}`);
  // Summed from the facts just written: those of the persons in scope (all of them in full).
  const scopeFacts = options.full
    ? 'person_purchase_facts'
    : '(SELECT * FROM person_purchase_facts WHERE person_id IN (SELECT person_id FROM sg_live_persons))';
  await connection.run(
    `INSERT INTO person_member_purchases ${personMemberPurchasesSql(scopeFacts)}`,
  );
  await connection.run(
    `INSERT INTO person_member_postcodes ${personMemberPostcodesSql('sg_records')}`,
  );

  // 3. Person facts: commune (the record of the person's dwelling, else the most recently
  // active record with a commune), most frequent civility and birth date, reachability.
  await connection.run(`CREATE OR REPLACE TEMP TABLE sg_person_commune AS
    SELECT r.person_id, r.insee_code
    FROM sg_records r JOIN sg_live_persons p ON p.person_id = r.person_id
    WHERE r.insee_code IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY r.person_id ORDER BY
      coalesce(r.dwelling_key = p.dwelling_key, false) DESC, r.last_activity DESC, r.record_id DESC) = 1`);
  for (const field of ['civility', 'birth_date']) {
    await connection.run(`CREATE OR REPLACE TEMP TABLE sg_person_${field} AS
      ${mostFrequentValueSql(field, 'sg_records')}`);
  }
  await connection.run(`CREATE OR REPLACE TEMP TABLE sg_person_facts AS
    SELECT person_id,
      count(DISTINCT member_code) AS member_count,
      count(DISTINCT member_code) FILTER (WHERE transaction_count > 0) >= 2 AS multi_member_buyer,
      bool_or(address_key IS NOT NULL AND coalesce(commune_status = 'matched', false)
        AND last_name IS NOT NULL) AS reach_postal,
      bool_or(email IS NOT NULL AND optin_email) AS reach_email,
      bool_or(phone_mobile IS NOT NULL AND coalesce(phone_mobile_type = 'mobile', false)
        AND optin_sms) AS reach_sms,
      bool_or((phone_mobile IS NOT NULL OR phone_landline IS NOT NULL) AND optin_phone) AS reach_phone
    FROM sg_records GROUP BY person_id`);
  const persons = await countChanged(
    connection,
    `INSERT INTO person_profile
    SELECT p.person_id, p.household_id, c.civility, ${ageBandSql('b.birth_date', today)},
      pc.insee_code, rc.departement, rc.region, rc.epci, rc.population_class, h.person_count,
      coalesce(f.member_count, 0), coalesce(f.multi_member_buyer, false),
      coalesce(f.reach_postal, false), coalesce(f.reach_email, false),
      coalesce(f.reach_sms, false), coalesce(f.reach_phone, false),
      ${SEGMENTS_VERSION}, CAST($1 AS TIMESTAMP)
    FROM sg_live_persons p
    LEFT JOIN sg_person_civility c ON c.person_id = p.person_id
    LEFT JOIN sg_person_birth_date b ON b.person_id = p.person_id
    LEFT JOIN sg_person_commune pc ON pc.person_id = p.person_id
    LEFT JOIN ref_communes rc ON rc.insee_code = pc.insee_code
    LEFT JOIN households h ON h.household_id = p.household_id
    LEFT JOIN sg_person_facts f ON f.person_id = p.person_id`,
    [options.now.toISOString()],
  );

  // 4. Per person and sector of the members they have a record at: RFM from the records'
  // activity, appetence from their transactions (segment-sql.ts mirrors the domain rules).
  const ageMonths = wholeMonthsSql('t.transaction_date', today);
  await connection.run(`INSERT INTO person_sector_profile
    WITH activity AS (
      SELECT r.person_id, s.sector, min(r.first_transaction) AS first_transaction,
        max(r.last_transaction) AS last_transaction,
        CAST(sum(r.transaction_count) AS INTEGER) AS transaction_count,
        CAST(sum(r.amount_eur) AS DECIMAL(14, 2)) AS amount_eur
      FROM sg_records r JOIN sg_member_sectors s ON s.member_code = r.member_code
      GROUP BY r.person_id, s.sector
    ), decayed AS (
      SELECT r.person_id, s.sector, sum(${decayedAmountSql('t.amount_eur', ageMonths)}) AS decayed_spend
      FROM sg_records r
      JOIN sg_member_sectors s ON s.member_code = r.member_code
      JOIN transactions t ON t.member_code = r.member_code AND t.customer_id = r.customer_id
      GROUP BY r.person_id, s.sector
    ), scored AS (
      SELECT a.*, ${recencyScoreSql('a.last_transaction', today)} AS recency_score,
        ${frequencyScoreSql('a.transaction_count')} AS frequency_score,
        ${monetaryScoreSql('a.amount_eur')} AS monetary_score,
        ${appetenceFromDecayedSpendSql('coalesce(d.decayed_spend, 0)')} AS appetence_score
      FROM activity a LEFT JOIN decayed d ON d.person_id = a.person_id AND d.sector = a.sector
    )
    SELECT person_id, sector, first_transaction, last_transaction, transaction_count, amount_eur,
      recency_score, frequency_score, monetary_score,
      ${rfmSegmentSql('recency_score', 'frequency_score', 'monetary_score')}, appetence_score
    FROM scored`);

  // 5. Households: the most common commune of their persons, reachable if one person is.
  const households = await countChanged(
    connection,
    `INSERT INTO household_profile
    WITH communes AS (
      SELECT household_id, insee_code FROM person_profile
      WHERE household_id IN (SELECT household_id FROM sg_scope_households) AND insee_code IS NOT NULL
      GROUP BY household_id, insee_code
      QUALIFY row_number() OVER (PARTITION BY household_id ORDER BY count(*) DESC, insee_code) = 1
    ), reach AS (
      SELECT household_id, bool_or(reach_postal) AS reach_postal FROM person_profile
      WHERE household_id IN (SELECT household_id FROM sg_scope_households)
      GROUP BY household_id
    )
    SELECT h.household_id, h.person_count, c.insee_code, rc.departement, rc.region,
      rc.population_class, coalesce(r.reach_postal, false)
    -- The households in scope first, not after joining the whole table.
    FROM (SELECT * FROM households
      WHERE household_id IN (SELECT household_id FROM sg_scope_households)) h
    LEFT JOIN communes c ON c.household_id = h.household_id
    LEFT JOIN ref_communes rc ON rc.insee_code = c.insee_code
    LEFT JOIN reach r ON r.household_id = h.household_id`,
    [],
  );
  return { persons, households };
}

// Persons whose profile may have changed, then everyone sharing an old or new household with them.
async function defineIncrementalScope(
  connection: DuckDBConnection,
  memberCodes: string[],
  affectedCustomersTable: string | null,
): Promise<void> {
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE sg_seed_persons AS
    SELECT person_id FROM ir_touched_persons WHERE person_id IS NOT NULL
    UNION
    SELECT person_id FROM member_records
    WHERE member_code IN (SELECT unnest($1::VARCHAR[])) AND person_id IS NOT NULL
    UNION
    SELECT p.person_id FROM persons p LEFT JOIN person_profile pp ON pp.person_id = p.person_id
    WHERE pp.person_id IS NULL OR pp.household_id IS DISTINCT FROM p.household_id
    ${
      affectedCustomersTable
        ? `UNION
    SELECT r.person_id FROM member_records r
    JOIN ${affectedCustomersTable} a ON a.member_code = r.member_code AND a.customer_id = r.customer_id
    WHERE r.person_id IS NOT NULL`
        : ''
    }`,
    [listValue(memberCodes)],
    [LIST(VARCHAR)],
  );
  await connection.run(`CREATE OR REPLACE TEMP TABLE sg_scope_households AS
    SELECT household_id FROM persons
    WHERE person_id IN (SELECT person_id FROM sg_seed_persons) AND household_id IS NOT NULL
    UNION
    SELECT household_id FROM person_profile
    WHERE person_id IN (SELECT person_id FROM sg_seed_persons) AND household_id IS NOT NULL`);
  await connection.run(`CREATE OR REPLACE TEMP TABLE sg_scope_persons AS
    SELECT person_id FROM sg_seed_persons
    UNION
    SELECT person_id FROM persons WHERE household_id IN (SELECT household_id FROM sg_scope_households)`);
}

// Keeps every version ever computed: a definition's (name, version) row is rewritten, never another's.
async function recordDefinitions(connection: DuckDBConnection): Promise<void> {
  const column = <T>(pick: (definition: (typeof SEGMENT_DEFINITIONS)[number]) => T) =>
    SEGMENT_DEFINITIONS.map(pick);
  const parameters = [
    listValue(column((definition) => definition.name)),
    listValue(column((definition) => definition.version)),
    listValue(column((definition) => definition.level)),
    listValue(column((definition) => definition.description)),
    listValue(
      column((definition) => (definition.values ? JSON.stringify(definition.values) : null)),
    ),
  ];
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE sg_definitions AS
     SELECT unnest($1::VARCHAR[]) AS name, unnest($2::INTEGER[]) AS version,
       unnest($3::VARCHAR[]) AS level, unnest($4::VARCHAR[]) AS description,
       unnest($5::VARCHAR[]) AS values_json`,
    parameters,
  );
  await connection.run(`DELETE FROM segment_definitions d USING sg_definitions n
    WHERE d.name = n.name AND d.version = n.version`);
  await connection.run(`INSERT INTO segment_definitions SELECT * FROM sg_definitions`);
}

async function countChanged(
  connection: DuckDBConnection,
  sql: string,
  parameters: string[],
): Promise<number> {
  const result = await connection.run(sql, parameters);
  return Number(result.rowsChanged);
}
