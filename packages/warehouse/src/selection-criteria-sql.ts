import {
  AppError,
  latestStartForMonths,
  retentionCutoff,
  SEGMENT_DEFINITIONS,
  type TChannel,
  type TPurchaseCriterion,
  type TReferenceCriterion,
  type TSelectionCriteria,
  ZChannel,
} from '@alliage/domain';
import { MEMBER_BIRTH_DATE_SQL } from './person-member-reach-sql.ts';
import { sectorProfileSql } from './sector-profile-sql.ts';
import { segmentValueSql } from './segment-sql.ts';
import type { SelectionParameters } from './selection-parameters.ts';
import type { TSelectionScope } from './selection-scope.ts';
import { sqlIdentifier } from './sql-literal.ts';

/** The SQL pieces of a selection's criteria, placed by `buildSelectionSql`. */
export interface TCriteriaSql {
  /** Extra CTEs (each `name AS (...)`), after `sel_records`. */
  ctes: string[];
  /**
   * Extra aggregates of `sel_persons`: over the person's criteria records `r` (exact
   * path), or over the person's `person_member_reach` rows `f` of permitting members
   * (precomputed path).
   */
  personAggregates: string[];
  /** Precomputed path: conditions on the `person_member_reach` rows `f` aggregated by `sel_persons`. */
  reachFilters: string[];
  /** Extra LEFT JOINs of `sel_candidates`. */
  joins: string[];
  /** Conditions on `s` (sel_persons) and `pp` (person_profile), ANDed. */
  conditions: string[];
}

const NUMERIC_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/;

/**
 * Compiles the criteria (all ANDed) against the CTEs of `buildSelectionSql`.
 * Every value is bound through `parameters`; identifiers (reference tables and
 * columns) are checked against the pool's metadata, then quoted.
 *
 * @example
 * const pieces = compileCriteriaSql(criteria, scope, parameters, { today: () => 'CAST($p0 AS DATE)', eligible });
 */
export function compileCriteriaSql(
  criteria: TSelectionCriteria,
  scope: TSelectionScope,
  parameters: SelectionParameters,
  context: {
    today: () => string;
    eligible: (channel: TChannel) => string;
    /** Read the precomputed `person_member_reach` instead of `sel_records`. */
    precomputed: boolean;
    /** SQL: a member-level last activity (column given) within the member's retention on a permitted channel. */
    memberInRetention: (lastActivity: string) => string;
  },
): TCriteriaSql {
  const pieces: TCriteriaSql = {
    ctes: [],
    personAggregates: [],
    reachFilters: [],
    joins: [],
    conditions: [],
  };
  const inList = (values: readonly string[]) =>
    `(SELECT unnest(${parameters.add('varchar_list', values)}))`;

  const geography = criteria.geography;
  if (geography?.regions) pieces.conditions.push(`pp.region IN ${inList(geography.regions)}`);
  if (geography?.departements) {
    pieces.conditions.push(`pp.departement IN ${inList(geography.departements)}`);
  }
  if (geography?.communes) pieces.conditions.push(`pp.insee_code IN ${inList(geography.communes)}`);
  if (geography?.postcodePrefixes && context.precomputed) {
    // A usable record (any channel) at a postcode starting with one of the prefixes.
    const prefixes = parameters.add('varchar_list', geography.postcodePrefixes);
    pieces.ctes.push(`sel_postcode AS (
      SELECT f.person_id FROM person_member_postcodes f
      JOIN sel_permits p ON p.member_code = f.member_code
      WHERE len(list_filter(${prefixes}, prefix -> starts_with(f.postcode, prefix))) > 0
        AND (${ZChannel.options.map((channel) => `coalesce(f.last_${channel} >= p.cutoff_${channel}, false)`).join(' OR ')}))`);
    pieces.conditions.push('s.person_id IN (SELECT person_id FROM sel_postcode)');
  } else if (geography?.postcodePrefixes) {
    const prefixes = parameters.add('varchar_list', geography.postcodePrefixes);
    pieces.personAggregates.push(`bool_or(r.usable_any AND r.postcode IS NOT NULL
      AND len(list_filter(${prefixes}, prefix -> starts_with(r.postcode, prefix))) > 0) AS postcode_match`);
    pieces.conditions.push('s.postcode_match');
  }

  if (criteria.age) {
    // The person's birth date: per permitting member its own (MEMBER_BIRTH_DATE_SQL),
    // then the one most members give, then the most recently active. The same
    // definition on the precomputed table (counts) and on the records (extraction).
    // Age in whole years at today (whole months ÷ 12, as the age bands): bounds on the
    // birth date itself (latestStartForMonths), so no age is computed per row.
    const ageConditions = [`b.birth_date <= ${context.today()}`];
    if (criteria.age.min !== undefined) {
      const latest = latestStartForMonths(scope.today, criteria.age.min * 12);
      ageConditions.push(`b.birth_date <= CAST(${parameters.add('varchar', latest)} AS DATE)`);
    }
    if (criteria.age.max !== undefined) {
      const tooOld = latestStartForMonths(scope.today, (criteria.age.max + 1) * 12);
      ageConditions.push(`b.birth_date > CAST(${parameters.add('varchar', tooOld)} AS DATE)`);
    }
    const chooseBirthDate = (relation: string) => `SELECT person_id, birth_date FROM ${relation}
      GROUP BY person_id, birth_date
      QUALIFY row_number() OVER (PARTITION BY person_id
        ORDER BY count(*) DESC, max(last_activity) DESC, birth_date) = 1`;
    if (context.precomputed) {
      // Most persons are given one birth date by all the members holding them
      // (birth_dates_agree): theirs is that date whichever members permit, and only
      // the others need the ranking. A semi-join, so duplicates do no harm and it
      // narrows the precomputed scan like the other facts.
      pieces.ctes.push(`sel_member_birth AS (
        SELECT f.person_id, f.birth_date, f.last_activity, f.birth_dates_agree FROM person_member_reach f
        JOIN sel_permits p ON p.member_code = f.member_code
        WHERE f.birth_date IS NOT NULL AND ${context.memberInRetention('f.last_activity')})`);
      pieces.ctes.push(`sel_age AS (
        SELECT person_id FROM sel_member_birth b
        WHERE b.birth_dates_agree AND ${ageConditions.join(' AND ')}
        UNION ALL
        SELECT person_id FROM (${chooseBirthDate(
          '(SELECT * FROM sel_member_birth WHERE NOT birth_dates_agree)',
        )}) b WHERE ${ageConditions.join(' AND ')})`);
      pieces.conditions.push('s.person_id IN (SELECT person_id FROM sel_age)');
    } else {
      pieces.ctes.push(
        `sel_birth AS (${chooseBirthDate(`(
        SELECT person_id, ${MEMBER_BIRTH_DATE_SQL} AS birth_date, max(last_activity) AS last_activity
        FROM sel_records GROUP BY person_id, member_code) WHERE birth_date IS NOT NULL`)})`,
      );
      pieces.joins.push('LEFT JOIN sel_birth b ON b.person_id = s.person_id');
      pieces.conditions.push(...ageConditions);
    }
  }

  if (criteria.civility) pieces.conditions.push(`pp.civility IN ${inList(criteria.civility)}`);

  if (criteria.purchases?.some((purchase) => purchase.sector)) {
    const sectors = Object.entries(scope.memberSectors ?? {});
    pieces.ctes.push(`sel_member_sectors AS (
      SELECT unnest(${parameters.add(
        'varchar_list',
        sectors.map(([member]) => member),
      )}) AS member_code, unnest(${parameters.add(
        'varchar_list',
        sectors.map(([, sector]) => sector),
      )}) AS sector)`);
  }
  for (const [index, purchase] of (criteria.purchases ?? []).entries()) {
    const purchases = context.precomputed
      ? precomputedPurchaseSql(purchase, scope.today, parameters, context.memberInRetention)
      : purchaseSql(purchase, scope.today, parameters);
    pieces.ctes.push(`sel_purchase_${index} AS (${purchases})`);
    pieces.conditions.push(`s.person_id IN (SELECT person_id FROM sel_purchase_${index})`);
  }

  if (criteria.minDistinctMembers !== undefined) {
    const minimum = parameters.add('integer', criteria.minDistinctMembers);
    if (context.precomputed) {
      // A member counts when one of the person's records there with a purchase is
      // within the member's retention: the latest such record decides (last_buying).
      // Only persons held by at least that many members can qualify: `sel_persons`
      // counts them in the same aggregation.
      pieces.reachFilters.push(`f.member_count >= ${minimum}`);
      pieces.personAggregates.push(
        `count(*) FILTER (WHERE ${context.memberInRetention('f.last_buying')}) AS buying_members`,
      );
      pieces.conditions.push(`s.buying_members >= ${minimum}`);
    } else {
      pieces.personAggregates.push(
        'count(DISTINCT r.member_code) FILTER (WHERE r.transaction_count > 0) AS buying_members',
      );
      pieces.conditions.push(`s.buying_members >= ${minimum}`);
    }
  }

  for (const channel of criteria.reachableChannels ?? []) {
    pieces.conditions.push(context.eligible(channel));
  }

  for (const [index, segment] of (criteria.segments ?? []).entries()) {
    const definition = SEGMENT_DEFINITIONS.find((candidate) => candidate.name === segment.name);
    if (!definition) {
      throw new AppError('validation_failed', `unknown segment ${segment.name}`);
    }
    const { table, value, withoutPurchase } = segmentValueSql(segment.name);
    const values = inList(segment.values);
    if (table === 'person_profile') {
      pieces.conditions.push(
        `s.person_id IN (SELECT person_id FROM person_profile WHERE (${value}) IN ${values})`,
      );
    } else if (table === 'household_profile') {
      pieces.conditions.push(
        `pp.household_id IN (SELECT household_id FROM household_profile WHERE (${value}) IN ${values})`,
      );
    } else {
      // Not `person_sector_profile` (built from every member's records): the profile of
      // the permitting members' activity in the sector only (DESIGN.md rule 1).
      const profile = sectorProfileSql({
        sectorMembers: parameters.add('varchar_list', sectorMembersOf(scope, segment.sector)),
        today: context.today(),
        precomputed: context.precomputed,
        memberInRetention: context.memberInRetention,
        appetence: value.includes('appetence_score'),
        purchasersOnly: withoutPurchase !== undefined && !segment.values.includes(withoutPurchase),
      });
      pieces.ctes.push(`sel_sector_${index} AS (SELECT person_id FROM (${profile})
        WHERE (${value}) IN ${values})`);
      pieces.conditions.push(`s.person_id IN (SELECT person_id FROM sel_sector_${index})`);
    }
  }

  for (const reference of criteria.reference ?? []) {
    pieces.conditions.push(referenceSql(reference, scope, parameters));
  }
  return pieces;
}

/**
 * The member codes of a sector in the scope (sorted; none without a sector).
 *
 * @example
 * sectorMembersOf(scope, 'equipement_maison') // ['M01', 'M03']
 */
export function sectorMembersOf(scope: TSelectionScope, sector: string | undefined): string[] {
  return Object.entries(scope.memberSectors ?? {})
    .filter(([, memberSector]) => sector !== undefined && memberSector === sector)
    .map(([member]) => member)
    .sort();
}

// The pieces of a purchase criterion over a relation `a` (with `member_code`,
// `category`, the date column and `amount_eur`): the sector join, the filters, and
// the HAVING thresholds on the purchase count given.
function purchasePieces(
  purchase: TPurchaseCriterion,
  today: string,
  parameters: SelectionParameters,
  columns: { date: string; count: string },
): { sectorJoin: string; where: string; having: () => string } {
  const filters: string[] = [];
  let sectorJoin = '';
  if (purchase.sector) {
    sectorJoin = 'JOIN sel_member_sectors ms ON ms.member_code = a.member_code';
    filters.push(`ms.sector = ${parameters.add('varchar', purchase.sector)}`);
  }
  if (purchase.category) {
    filters.push(`a.category = ${parameters.add('varchar', purchase.category)}`);
  }
  if (purchase.withinMonths !== undefined) {
    const since = retentionCutoff(today, purchase.withinMonths);
    filters.push(`a.${columns.date} >= CAST(${parameters.add('varchar', since)} AS DATE)`);
  }
  // Bound only when used: DuckDB refuses a parameter the SQL does not use.
  const having = () => {
    const thresholds = [`${columns.count} >= ${parameters.add('integer', purchase.minPurchases)}`];
    if (purchase.minSpendEur !== undefined) {
      thresholds.push(`sum(a.amount_eur) >= ${parameters.add('double', purchase.minSpendEur)}`);
    }
    return thresholds.join(' AND ');
  };
  return { sectorJoin, where: filters.map((filter) => ` AND ${filter}`).join(''), having };
}

// The same persons as `purchaseSql`, from `person_purchase_facts`: the facts of the
// permitting members' records within retention on a permitted channel (the criteria
// records), windowed by day.
function precomputedPurchaseSql(
  purchase: TPurchaseCriterion,
  today: string,
  parameters: SelectionParameters,
  memberInRetention: (lastActivity: string) => string,
): string {
  const { sectorJoin, where, having } = purchasePieces(purchase, today, parameters, {
    date: 'purchase_date',
    count: 'sum(a.purchases)',
  });
  // One purchase of any amount: any matching fact will do (each holds at least one).
  const existence = purchase.minPurchases === 1 && purchase.minSpendEur === undefined;
  return `SELECT a.person_id FROM person_purchase_facts a
    JOIN sel_permits p ON p.member_code = a.member_code ${sectorJoin}
    WHERE (${memberInRetention('a.last_activity')})${where}
    ${existence ? '' : `GROUP BY a.person_id HAVING ${having()}`}`;
}

// Persons whose criteria records hold these purchases: all-time totals from
// record_category_activity, or the transactions themselves when a window is asked
// (a count "within N months" must only count purchases in the window).
function purchaseSql(
  purchase: TPurchaseCriterion,
  today: string,
  parameters: SelectionParameters,
): string {
  const windowed = purchase.withinMonths !== undefined;
  const source = windowed ? 'transactions' : 'record_category_activity';
  const { sectorJoin, where, having } = purchasePieces(purchase, today, parameters, {
    date: 'transaction_date',
    count: windowed ? 'count(*)' : 'sum(a.transaction_count)',
  });
  return `SELECT r.person_id FROM sel_records r
    JOIN ${source} a ON a.member_code = r.member_code AND a.customer_id = r.customer_id ${sectorJoin}
    WHERE true${where}
    GROUP BY r.person_id HAVING ${having()}`;
}

// A reference table column, checked against the pool's metadata before it becomes an identifier.
function referenceSql(
  reference: TReferenceCriterion,
  scope: TSelectionScope,
  parameters: SelectionParameters,
): string {
  const table = scope.referenceTables?.find((candidate) => candidate.name === reference.table);
  if (!table || table.name === 'communes') {
    throw new AppError('validation_failed', `unknown reference table ${reference.table}`);
  }
  const column = table.columns.find((candidate) => candidate.name === reference.column);
  if (!column || column.name === 'insee_code') {
    throw new AppError(
      'validation_failed',
      `unknown reference column ${reference.column} of table ${reference.table}`,
    );
  }
  const quoted = sqlIdentifier(column.name);
  const filters: string[] = [];
  if (reference.min !== undefined || reference.max !== undefined) {
    if (!NUMERIC_TYPE.test(column.type)) {
      throw new AppError(
        'validation_failed',
        `reference column ${reference.column} of table ${reference.table} is not numeric: filter it by values`,
      );
    }
    if (reference.min !== undefined) {
      filters.push(`${quoted} >= ${parameters.add('double', reference.min)}`);
    }
    if (reference.max !== undefined) {
      filters.push(`${quoted} <= ${parameters.add('double', reference.max)}`);
    }
  }
  if (reference.values) {
    filters.push(
      `CAST(${quoted} AS VARCHAR) IN (SELECT unnest(${parameters.add('varchar_list', reference.values)}))`,
    );
  }
  return `pp.insee_code IN (SELECT insee_code FROM ${sqlIdentifier(`ref_${table.name}`)}
    WHERE ${filters.join(' AND ')})`;
}
