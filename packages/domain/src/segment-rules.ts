/**
 * Segment rules: pure functions the warehouse mirrors in SQL (`segment-sql.ts`,
 * tested against these), and the versioned list of segment definitions.
 *
 * Dates are ISO `YYYY-MM-DD` strings. Durations are counted in WHOLE MONTHS with
 * the calendar arithmetic of `retentionCutoff`: adding n months keeps the day of
 * month, clamped to the end of a shorter month (31 January + 1 month = 28/29
 * February). The whole months from `from` to `to` are the largest n such that
 * `from + n months <= to`; a `from` after `to` counts as 0.
 */

/** Age bands of persons (age in whole years at the reference date). */
export const AGE_BANDS = [
  'under_18',
  '18-24',
  '25-34',
  '35-44',
  '45-54',
  '55-64',
  '65-74',
  '75+',
  'unknown',
] as const;
export type TAgeBand = (typeof AGE_BANDS)[number];

/** Named RFM segments, from the most to the least engaged. */
export const RFM_SEGMENTS = [
  'active_high_value',
  'active',
  'lapsing',
  'lapsed',
  'prospect',
] as const;
export type TRfmSegment = (typeof RFM_SEGMENTS)[number];

/** Score bands a numeric 0–100 score is listed by. */
export const SCORE_BANDS = [
  { value: '0-19', from: 0, to: 19 },
  { value: '20-39', from: 20, to: 39 },
  { value: '40-59', from: 40, to: 59 },
  { value: '60-79', from: 60, to: 79 },
  { value: '80-100', from: 80, to: 100 },
] as const;

// Appetence: recency-decayed spend with a 12-month half-life on a 200 € scale.
export const APPETENCE_HALF_LIFE_MONTHS = 12;
export const APPETENCE_SCALE_EUR = 200;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseIsoDate(value: string, field: string): { year: number; month: number; day: number } {
  const match = ISO_DATE.exec(value.slice(0, 10));
  if (!match) throw new Error(`${field} must be an ISO date (YYYY-MM-DD)`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Whole months from `from` to `to` (clamped month arithmetic, see the file
 * comment); 0 when `from` is after `to`.
 *
 * @example
 * wholeMonthsBetween('2024-01-31', '2024-02-29') // 1
 */
export function wholeMonthsBetween(from: string, to: string): number {
  const start = parseIsoDate(from, 'from');
  const end = parseIsoDate(to, 'to');
  const monthSteps = end.year * 12 + end.month - (start.year * 12 + start.month);
  // `from + monthSteps months` lands in `to`'s month on min(from's day, that month's last day).
  const landingDay = Math.min(start.day, lastDayOfMonth(end.year, end.month));
  const months = end.day >= landingDay ? monthSteps : monthSteps - 1;
  return Math.max(0, months);
}

/**
 * The latest `from` date with at least `months` whole months to `to`
 * (`wholeMonthsBetween`, which only decreases as `from` moves later): so
 * `wholeMonthsBetween(d, to) >= months` exactly when `d <= latestStartForMonths(to, months)`.
 * Lets an age criterion compare birth dates instead of computing each age.
 *
 * @example
 * latestStartForMonths('2024-02-29', 12) // '2023-02-28'
 */
export function latestStartForMonths(to: string, months: number): string {
  const end = parseIsoDate(to, 'to');
  // `to` minus `months` months lands within a few days of the answer; walk back from past it.
  const anchor = Date.UTC(end.year, end.month - 1 - months, 1);
  for (let offset = 34; offset >= -4; offset -= 1) {
    const candidate = new Date(anchor + offset * 86_400_000).toISOString().slice(0, 10);
    if (candidate <= to.slice(0, 10) && wholeMonthsBetween(candidate, to) >= months) {
      return candidate;
    }
  }
  throw new Error(`no start date found for ${months} months before ${to}`);
}

/**
 * Age band of a person at `today`: age in whole years (whole months ÷ 12, so a
 * 29 February birthday turns a year older on 28 February of a common year);
 * 'unknown' without a birth date or with one after `today`.
 *
 * @example
 * ageBand('1990-06-15', '2026-06-14') // '35-44'
 */
export function ageBand(birthDate: string | null, today: string): TAgeBand {
  if (birthDate === null || birthDate.slice(0, 10) > today.slice(0, 10)) return 'unknown';
  const age = Math.floor(wholeMonthsBetween(birthDate, today) / 12);
  if (age < 18) return 'under_18';
  if (age < 25) return '18-24';
  if (age < 35) return '25-34';
  if (age < 45) return '35-44';
  if (age < 55) return '45-54';
  if (age < 65) return '55-64';
  if (age < 75) return '65-74';
  return '75+';
}

/**
 * Recency score 0–5 from the whole months since the last transaction: 5 under
 * 3 months, 4 under 6, 3 under 12, 2 under 24, 1 from 24 on; 0 without any.
 *
 * @example
 * recencyScore('2026-03-01', '2026-05-31') // 5 (2 whole months)
 */
export function recencyScore(lastTransaction: string | null, today: string): number {
  if (lastTransaction === null) return 0;
  const months = wholeMonthsBetween(lastTransaction, today);
  if (months < 3) return 5;
  if (months < 6) return 4;
  if (months < 12) return 3;
  if (months < 24) return 2;
  return 1;
}

/**
 * Frequency score 0–5 from a transaction count: 0, 1, 2, 3–4, 5–9, 10 and more.
 *
 * @example
 * frequencyScore(4) // 3
 */
export function frequencyScore(count: number): number {
  if (count <= 0) return 0;
  if (count === 1) return 1;
  if (count === 2) return 2;
  if (count <= 4) return 3;
  if (count <= 9) return 4;
  return 5;
}

/**
 * Monetary score 0–5 from a total spend in euros: ≤ 0, < 50, < 150, < 400,
 * < 1000, then 1000 and more.
 *
 * @example
 * monetaryScore(149.99) // 2
 */
export function monetaryScore(amountEur: number): number {
  if (amountEur <= 0) return 0;
  if (amountEur < 50) return 1;
  if (amountEur < 150) return 2;
  if (amountEur < 400) return 3;
  if (amountEur < 1000) return 4;
  return 5;
}

/**
 * Named RFM segment from the three scores: prospect (never bought), active high
 * value (recent and, frequency plus monetary, at least 8), active (within the
 * year), lapsing (1–2 years), lapsed (2 years and more).
 *
 * @example
 * rfmSegment(5, 4, 4) // 'active_high_value'
 */
export function rfmSegment(recency: number, frequency: number, monetary: number): TRfmSegment {
  if (recency <= 0) return 'prospect';
  if (recency >= 4 && frequency + monetary >= 8) return 'active_high_value';
  if (recency >= 3) return 'active';
  if (recency === 2) return 'lapsing';
  return 'lapsed';
}

/**
 * Appetence of a person for a sector, 0–100, from their transactions at the
 * sector's members: `round(100 × (1 − e^(−x)))` with
 * `x = max(0, Σ amount × 0.5^(ageMonths / 12)) / 200`.
 *
 * Why this shape: each euro counts, halved for every 12 months of age (a
 * purchase last year weighs half of one today, one at the 36-month retention
 * limit an eighth), so both spend and recency matter without arbitrary cut-offs;
 * the saturating curve maps "about 200 € of recent spend" to 63, 100 € to 39 and
 * 600 € to 95, so a few very big spenders do not flatten everyone else. Refunds
 * (negative amounts) lower the sum, which never goes below 0. It is reproducible:
 * it depends only on the transactions and the reference date, nothing is trained
 * or random. `ageMonths` is `wholeMonthsBetween(transactionDate, today)`.
 *
 * @example
 * appetenceScore([{ ageMonths: 0, amountEur: 200 }]) // 63
 */
export function appetenceScore(transactions: { ageMonths: number; amountEur: number }[]): number {
  let decayedSpend = 0;
  for (const transaction of transactions) {
    decayedSpend +=
      transaction.amountEur * 0.5 ** (transaction.ageMonths / APPETENCE_HALF_LIFE_MONTHS);
  }
  return appetenceFromDecayedSpend(decayedSpend);
}

/**
 * The appetence score from an already summed decayed spend (what SQL aggregates).
 *
 * @example
 * appetenceFromDecayedSpend(200) // 63
 */
export function appetenceFromDecayedSpend(decayedSpendEur: number): number {
  const x = Math.max(0, decayedSpendEur) / APPETENCE_SCALE_EUR;
  return Math.round(100 * (1 - Math.exp(-x)));
}

/** The level a segment describes: a person, a household, or a person within a sector. */
export type TSegmentLevel = 'person' | 'household' | 'person_sector';

/** One documented, versioned segment. */
export interface TSegmentDefinition {
  name: string;
  /** Bumped whenever the rule or the values change. */
  version: number;
  level: TSegmentLevel;
  description: string;
  /**
   * The closed list of values; null for a numeric 0–100 score (listed by
   * `SCORE_BANDS`) or, when `openValues` is set, for an open list of codes.
   */
  values: readonly string[] | null;
  /** Values are reference codes (département, région, EPCI) listed as found. */
  openValues?: true;
}

const YES_NO = ['yes', 'no'] as const;
const SCORE_0_TO_5 = ['0', '1', '2', '3', '4', '5'] as const;
// Names of normalize's `populationClass` bands (the rule itself lives there).
const POPULATION_CLASSES = ['rural', 'small_town', 'urban', 'large_city', 'unknown'] as const;
const HOUSEHOLD_SIZES = ['1', '2', '3', '4', '5+', 'none'] as const;

/**
 * Version of the whole rule set, written with every profile row; at least the
 * highest definition version, and bumped with any of them.
 */
export const SEGMENTS_VERSION = 1;

/**
 * The segments the pool computes after each build; selections use them as
 * criteria and `alliage pool segments` lists them with counts.
 */
export const SEGMENT_DEFINITIONS: readonly TSegmentDefinition[] = [
  {
    name: 'age_band',
    version: 1,
    level: 'person',
    description:
      'Age in whole years at the build date, from the most frequent birth date across the person’s records.',
    values: AGE_BANDS,
  },
  {
    name: 'civility',
    version: 1,
    level: 'person',
    description: 'Most frequent civility across the person’s records (M or MME).',
    values: ['M', 'MME', 'unknown'],
  },
  {
    name: 'population_class',
    version: 1,
    level: 'person',
    description:
      'Size of the person’s commune (INSEE population): rural < 2,000 ≤ small_town < 20,000 ≤ urban < 200,000 ≤ large_city.',
    values: POPULATION_CLASSES,
  },
  {
    name: 'departement',
    version: 1,
    level: 'person',
    description: 'Département code of the person’s commune (découpage administratif).',
    values: null,
    openValues: true,
  },
  {
    name: 'region',
    version: 1,
    level: 'person',
    description: 'Région code of the person’s commune (découpage administratif).',
    values: null,
    openValues: true,
  },
  {
    name: 'epci',
    version: 1,
    level: 'person',
    description: 'SIREN of the EPCI (intercommunalité) of the person’s commune.',
    values: null,
    openValues: true,
  },
  {
    name: 'household_size',
    version: 1,
    level: 'person',
    description: 'Number of persons in the person’s household; none without a known dwelling.',
    values: HOUSEHOLD_SIZES,
  },
  {
    name: 'multi_member_buyer',
    version: 1,
    level: 'person',
    description: 'The person bought from at least two different members.',
    values: YES_NO,
  },
  {
    name: 'reach_postal',
    version: 1,
    level: 'person',
    description:
      'A record has an address matched to a commune and a last name (the repoussoir applies at selection).',
    values: YES_NO,
  },
  {
    name: 'reach_email',
    version: 1,
    level: 'person',
    description: 'A record has an email with third-party email consent.',
    values: YES_NO,
  },
  {
    name: 'reach_sms',
    version: 1,
    level: 'person',
    description: 'A record has a mobile number (checked as mobile) with SMS consent.',
    values: YES_NO,
  },
  {
    name: 'reach_phone',
    version: 1,
    level: 'person',
    description: 'A record has a phone number with phone prospecting consent.',
    values: YES_NO,
  },
  {
    name: 'household_person_count',
    version: 1,
    level: 'household',
    description: 'Number of persons living in the household.',
    values: ['1', '2', '3', '4', '5+'],
  },
  {
    name: 'household_population_class',
    version: 1,
    level: 'household',
    description: 'Size of the household’s commune, as population_class.',
    values: POPULATION_CLASSES,
  },
  {
    name: 'household_reach_postal',
    version: 1,
    level: 'household',
    description: 'At least one person of the household is reachable by post.',
    values: YES_NO,
  },
  {
    name: 'rfm_segment',
    version: 1,
    level: 'person_sector',
    description:
      'Per sector, from recency/frequency/monetary scores: prospect (no purchase), active_high_value (recency ≥ 4 and frequency + monetary ≥ 8), active (recency ≥ 3), lapsing (recency 2), lapsed (recency 1).',
    values: RFM_SEGMENTS,
  },
  {
    name: 'recency_score',
    version: 1,
    level: 'person_sector',
    description:
      'Whole months since the last purchase in the sector: 5 under 3, 4 under 6, 3 under 12, 2 under 24, 1 beyond, 0 never.',
    values: SCORE_0_TO_5,
  },
  {
    name: 'frequency_score',
    version: 1,
    level: 'person_sector',
    description: 'Purchases in the sector: 0, 1, 2, 3–4, 5–9, 10 and more score 0 to 5.',
    values: SCORE_0_TO_5,
  },
  {
    name: 'monetary_score',
    version: 1,
    level: 'person_sector',
    description: 'Spend in the sector: ≤ 0 €, < 50, < 150, < 400, < 1,000, ≥ 1,000 € score 0 to 5.',
    values: SCORE_0_TO_5,
  },
  {
    name: 'appetence_score',
    version: 1,
    level: 'person_sector',
    description:
      'Appetence 0–100 for the sector: round(100 × (1 − e^(−x))), x = spend in the sector with each purchase halved per 12 months of age, over 200 €.',
    values: null,
  },
];
