import {
  APPETENCE_HALF_LIFE_MONTHS,
  APPETENCE_SCALE_EUR,
  appetenceFromDecayedSpend,
  frequencyScore,
  monetaryScore,
  recencyScore,
  rfmSegment,
  SCORE_BANDS,
} from '@alliage/domain';

/*
 * SQL mirrors of the pure segment rules of `@alliage/domain` (segment-rules.ts).
 * Each function takes SQL expressions and returns one SQL expression; the
 * arguments are inlined, so pass column names or literals, never user input.
 * `segment-sql.test.ts` runs both sides over generated cases and requires the
 * same answers.
 */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A validated DATE literal for an ISO date (the platform clock's `today`).
 *
 * @example
 * sqlDate('2026-06-30') // "DATE '2026-06-30'"
 */
export function sqlDate(isoDate: string): string {
  if (!ISO_DATE.test(isoDate)) throw new Error('today must be an ISO date (YYYY-MM-DD)');
  return `DATE '${isoDate}'`;
}

/**
 * Mirror of `wholeMonthsBetween`: the largest n with `from + n months <= to`
 * (day clamped to the month's end), 0 when `from` is after `to`.
 *
 * @example
 * wholeMonthsSql('t.transaction_date', sqlDate(today))
 */
export function wholeMonthsSql(from: string, to: string): string {
  return `greatest(0, (year(${to}) * 12 + month(${to})) - (year(${from}) * 12 + month(${from}))
    - CASE WHEN day(${to}) >= least(day(${from}), day(last_day(${to}))) THEN 0 ELSE 1 END)`;
}

/**
 * Mirror of `ageBand` (age in whole years = whole months ÷ 12).
 *
 * @example
 * ageBandSql('b.birth_date', sqlDate(today))
 */
export function ageBandSql(birthDate: string, today: string): string {
  const months = wholeMonthsSql(birthDate, today);
  return `CASE WHEN ${birthDate} IS NULL OR ${birthDate} > ${today} THEN 'unknown'
    ELSE CASE
      WHEN ${months} < 18 * 12 THEN 'under_18'
      WHEN ${months} < 25 * 12 THEN '18-24'
      WHEN ${months} < 35 * 12 THEN '25-34'
      WHEN ${months} < 45 * 12 THEN '35-44'
      WHEN ${months} < 55 * 12 THEN '45-54'
      WHEN ${months} < 65 * 12 THEN '55-64'
      WHEN ${months} < 75 * 12 THEN '65-74'
      ELSE '75+' END END`;
}

/**
 * Per person of `source` (records with `person_id` and `last_activity`), the most
 * frequent known value of `column` — ties go to the value of the most recently active
 * record, then the smallest value: the rule of the `civility` and `age_band` segments.
 *
 * @example
 * mostFrequentValueSql('civility', 'sg_records') // rows (person_id, civility)
 */
export function mostFrequentValueSql(column: string, source: string): string {
  return `SELECT person_id, ${column} FROM ${source} WHERE ${column} IS NOT NULL
      GROUP BY person_id, ${column}
      QUALIFY row_number() OVER (PARTITION BY person_id
        ORDER BY count(*) DESC, max(last_activity) DESC, ${column}) = 1`;
}

/**
 * Mirror of `recencyScore`.
 *
 * @example
 * recencyScoreSql('a.last_transaction', sqlDate(today))
 */
export function recencyScoreSql(lastTransaction: string, today: string): string {
  const months = wholeMonthsSql(lastTransaction, today);
  return `CAST(CASE WHEN ${lastTransaction} IS NULL THEN 0
    WHEN ${months} < 3 THEN 5 WHEN ${months} < 6 THEN 4 WHEN ${months} < 12 THEN 3
    WHEN ${months} < 24 THEN 2 ELSE 1 END AS INTEGER)`;
}

/**
 * Mirror of `frequencyScore`.
 *
 * @example
 * frequencyScoreSql('a.transaction_count')
 */
export function frequencyScoreSql(count: string): string {
  return `CAST(CASE WHEN ${count} <= 0 THEN 0 WHEN ${count} = 1 THEN 1 WHEN ${count} = 2 THEN 2
    WHEN ${count} <= 4 THEN 3 WHEN ${count} <= 9 THEN 4 ELSE 5 END AS INTEGER)`;
}

/**
 * Mirror of `monetaryScore` (compare a DECIMAL amount exactly).
 *
 * @example
 * monetaryScoreSql('a.amount_eur')
 */
export function monetaryScoreSql(amountEur: string): string {
  return `CAST(CASE WHEN ${amountEur} <= 0 THEN 0 WHEN ${amountEur} < 50 THEN 1
    WHEN ${amountEur} < 150 THEN 2 WHEN ${amountEur} < 400 THEN 3
    WHEN ${amountEur} < 1000 THEN 4 ELSE 5 END AS INTEGER)`;
}

/**
 * Mirror of `rfmSegment`.
 *
 * @example
 * rfmSegmentSql('recency_score', 'frequency_score', 'monetary_score')
 */
export function rfmSegmentSql(recency: string, frequency: string, monetary: string): string {
  return `CASE WHEN ${recency} <= 0 THEN 'prospect'
    WHEN ${recency} >= 4 AND ${frequency} + ${monetary} >= 8 THEN 'active_high_value'
    WHEN ${recency} >= 3 THEN 'active'
    WHEN ${recency} = 2 THEN 'lapsing'
    ELSE 'lapsed' END`;
}

/**
 * One transaction's share of the appetence sum (the term of `appetenceScore`):
 * its amount halved per 12 whole months of age. Sum it, then pass the sum to
 * `appetenceFromDecayedSpendSql`.
 *
 * @example
 * `sum(${decayedAmountSql('t.amount_eur', wholeMonthsSql('t.transaction_date', sqlDate(today)))})`
 */
export function decayedAmountSql(amountEur: string, ageMonths: string): string {
  return `(CAST(${amountEur} AS DOUBLE) * pow(CAST(0.5 AS DOUBLE), CAST(${ageMonths} AS DOUBLE) / ${APPETENCE_HALF_LIFE_MONTHS}))`;
}

/**
 * Mirror of `appetenceFromDecayedSpend`: the 0–100 score of a decayed spend sum.
 *
 * @example
 * appetenceFromDecayedSpendSql('coalesce(x.decayed_spend, 0)')
 */
export function appetenceFromDecayedSpendSql(decayedSpendEur: string): string {
  return `CAST(round(100 * (1 - exp(-(greatest(CAST(0 AS DOUBLE), CAST(${decayedSpendEur} AS DOUBLE)) / ${APPETENCE_SCALE_EUR})))) AS INTEGER)`;
}

/** Where a segment's value is read: its profile table and a SQL expression of the value. */
export interface TSegmentValueSql {
  table: 'person_profile' | 'household_profile' | 'person_sector_profile';
  /** Evaluates to one of the definition's values (or a score band / code) for a row of `table`. */
  value: string;
  /**
   * Sector segments: the value of a person with no purchase in the sector (the
   * domain rules applied to no transaction), so a selection whose values exclude
   * it needs only the sector's buyers.
   */
  withoutPurchase?: string;
}

const yesNo = (column: string) => `CASE WHEN ${column} THEN 'yes' ELSE 'no' END`;
const orUnknown = (column: string) => `coalesce(${column}, 'unknown')`;
const personCount = (column: string, none: string | null) =>
  `CASE ${none ? `WHEN ${column} IS NULL THEN '${none}' ` : ''}WHEN ${column} >= 5 THEN '5+' ELSE CAST(${column} AS VARCHAR) END`;
const scoreBand = (column: string) =>
  `CASE ${SCORE_BANDS.map((band) => `WHEN ${column} <= ${band.to} THEN '${band.value}'`).join(' ')} ELSE '${SCORE_BANDS[SCORE_BANDS.length - 1]?.value}' END`;

// The recency score of no transaction (whatever the day).
const NO_RECENCY = recencyScore(null, '2000-01-01');

const SEGMENT_VALUES: Record<string, TSegmentValueSql> = {
  age_band: { table: 'person_profile', value: 'age_band' },
  civility: { table: 'person_profile', value: orUnknown('civility') },
  population_class: { table: 'person_profile', value: orUnknown('population_class') },
  departement: { table: 'person_profile', value: orUnknown('departement') },
  region: { table: 'person_profile', value: orUnknown('region') },
  epci: { table: 'person_profile', value: orUnknown('epci') },
  household_size: { table: 'person_profile', value: personCount('household_size', 'none') },
  multi_member_buyer: { table: 'person_profile', value: yesNo('multi_member_buyer') },
  reach_postal: { table: 'person_profile', value: yesNo('reach_postal') },
  reach_email: { table: 'person_profile', value: yesNo('reach_email') },
  reach_sms: { table: 'person_profile', value: yesNo('reach_sms') },
  reach_phone: { table: 'person_profile', value: yesNo('reach_phone') },
  household_person_count: { table: 'household_profile', value: personCount('person_count', null) },
  household_population_class: { table: 'household_profile', value: orUnknown('population_class') },
  household_reach_postal: { table: 'household_profile', value: yesNo('reach_postal') },
  rfm_segment: {
    table: 'person_sector_profile',
    value: 'rfm_segment',
    withoutPurchase: rfmSegment(NO_RECENCY, frequencyScore(0), monetaryScore(0)),
  },
  recency_score: {
    table: 'person_sector_profile',
    value: 'CAST(recency_score AS VARCHAR)',
    withoutPurchase: String(NO_RECENCY),
  },
  frequency_score: {
    table: 'person_sector_profile',
    value: 'CAST(frequency_score AS VARCHAR)',
    withoutPurchase: String(frequencyScore(0)),
  },
  monetary_score: {
    table: 'person_sector_profile',
    value: 'CAST(monetary_score AS VARCHAR)',
    withoutPurchase: String(monetaryScore(0)),
  },
  appetence_score: {
    table: 'person_sector_profile',
    value: scoreBand('appetence_score'),
    withoutPurchase: SCORE_BANDS.find((band) => band.to >= appetenceFromDecayedSpend(0))?.value,
  },
};

/**
 * The profile table and value expression of a segment of `SEGMENT_DEFINITIONS`
 * (numeric scores come out as their `SCORE_BANDS` value); selections filter on
 * it, `listSegments` counts it. Person-sector tables also have a `sector` column.
 *
 * @example
 * segmentValueSql('household_size') // { table: 'person_profile', value: "CASE WHEN household_size IS NULL ..." }
 */
export function segmentValueSql(segmentName: string): TSegmentValueSql {
  if (!Object.hasOwn(SEGMENT_VALUES, segmentName)) {
    throw new Error(`no SQL for segment ${segmentName}`);
  }
  return SEGMENT_VALUES[segmentName] as TSegmentValueSql;
}
