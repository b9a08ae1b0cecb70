import { MATCH_THRESHOLD, MATCH_WEIGHTS, NAME_SIMILARITY_BANDS } from '@alliage/domain';

/** Blocks larger than this are skipped (a shared generic email, a tower block): they link nobody reliably. */
export const MAX_BLOCK_SIZE = 200;

// The blocking rules: a tag and the values (SQL over a row alias) that make the block
// key; a record is in a rule's block only when all its values are known.
const BLOCKING_RULES: { tag: string; parts: ((row: string) => string)[] }[] = [
  { tag: 'E', parts: [(row) => `${row}.email`] },
  { tag: 'M', parts: [(row) => `${row}.phone_mobile`] },
  { tag: 'L', parts: [(row) => `${row}.phone_landline`] },
  {
    tag: 'N',
    parts: [
      (row) => `${row}.postcode`,
      (row) => `${row}.last_name_phonetic`,
      (row) => `left(${row}.first_name_key, 1)`,
    ],
  },
  {
    tag: 'B',
    parts: [(row) => `${row}.birth_date`, (row) => `${row}.last_name_phonetic`],
  },
  { tag: 'A', parts: [(row) => `${row}.address_key`] },
];

/**
 * SQL producing `(idx, block)` rows for the records of `nodesTable` (`idx` read
 * from `idColumn`): the blocking rules. Only records sharing a block are ever compared, so the work
 * grows with the pool, not with its square.
 *
 * @example
 * connection.run(`CREATE TEMP TABLE keys AS ${blockingKeysSql('ir_nodes')}`)
 */
export function blockingKeysSql(nodesTable: string, idColumn = 'idx'): string {
  return BLOCKING_RULES.map(({ tag, parts }) => {
    const values = parts.map((part) => part('n'));
    const key = values.map((value) => `CAST(${value} AS VARCHAR)`).join(` || '|' || `);
    return `SELECT n.${idColumn} AS idx, '${tag}' || ${key} AS block
      FROM ${nodesTable} n WHERE ${values.map((value) => `${value} IS NOT NULL`).join(' AND ')}`;
  }).join('\nUNION ALL\n');
}

/**
 * SQL producing the `person_id` of every record of `poolTable` sharing a block
 * with a record of `seedTable` (with repeats): the same rules as
 * `blockingKeysSql`, joined value by value so no key is built for the whole pool.
 *
 * @example
 * connection.run(`CREATE TEMP TABLE touched AS SELECT DISTINCT person_id FROM (${blockNeighboursSql('seeds', 'member_records')})`)
 */
export function blockNeighboursSql(seedTable: string, poolTable: string): string {
  return BLOCKING_RULES.map(
    ({ parts }) => `SELECT o.person_id FROM ${poolTable} o
      JOIN (SELECT DISTINCT ${parts.map((part, index) => `${part('s')} AS v${index}`).join(', ')}
        FROM ${seedTable} s) s
      ON ${parts.map((part, index) => `${part('o')} = s.v${index}`).join(' AND ')}`,
  ).join('\nUNION ALL\n');
}

/**
 * SQL producing `(block)` for every block of a record of `nodesTable` that holds more
 * than `MAX_BLOCK_SIZE` records of `poolTable`: an incremental resolution sees only its
 * scope's records of a block, and must skip the blocks a full build skips. Built like
 * `blockNeighboursSql`, value by value (the block keys of the scope's values only).
 *
 * @example
 * connection.run(`CREATE TEMP TABLE oversized AS ${oversizedBlocksSql('ir_nodes', 'member_records')}`)
 */
export function oversizedBlocksSql(nodesTable: string, poolTable: string): string {
  return BLOCKING_RULES.map(({ tag, parts }) => {
    const values = parts.map((part) => part('s'));
    const key = parts.map((_, index) => `CAST(s.v${index} AS VARCHAR)`).join(` || '|' || `);
    return `SELECT '${tag}' || ${key} AS block FROM ${poolTable} o
      JOIN (SELECT DISTINCT ${values.map((value, index) => `${value} AS v${index}`).join(', ')}
        FROM ${nodesTable} s WHERE ${values.map((value) => `${value} IS NOT NULL`).join(' AND ')}) s
      ON ${parts.map((part, index) => `${part('o')} = s.v${index}`).join(' AND ')}
      GROUP BY ALL HAVING count(*) > ${MAX_BLOCK_SIZE}`;
  }).join('\nUNION ALL\n');
}

function weightCase(comparison: keyof typeof MATCH_WEIGHTS, levelSql: string): string {
  const table = MATCH_WEIGHTS[comparison] as Record<string, number>;
  const whens = Object.entries(table)
    .map(([level, weight]) => `WHEN '${level}' THEN ${weight}`)
    .join(' ');
  return `(CASE ${levelSql} ${whens} END)`;
}

/** Comparison levels of a pair `a`/`b` of node rows (see docs/identity-resolution.md). */
export const COMPARISON_LEVELS_SQL = {
  first_name: `CASE WHEN a.first_name_key IS NULL OR b.first_name_key IS NULL THEN 'missing'
    WHEN a.first_name_key = b.first_name_key THEN 'exact'
    WHEN length(a.first_name_key) = 1 OR length(b.first_name_key) = 1 THEN
      CASE WHEN left(a.first_name_key, 1) = left(b.first_name_key, 1) THEN 'initial' ELSE 'different' END
    WHEN jaro_winkler_similarity(a.first_name_key, b.first_name_key) >= ${NAME_SIMILARITY_BANDS.close} THEN 'close'
    WHEN jaro_winkler_similarity(a.first_name_key, b.first_name_key) >= ${NAME_SIMILARITY_BANDS.fuzzy} THEN 'fuzzy'
    ELSE 'different' END`,
  last_name: `CASE WHEN a.last_name_key IS NULL OR b.last_name_key IS NULL THEN 'missing'
    WHEN a.last_name_key = b.last_name_key THEN 'exact'
    WHEN a.last_name_phonetic = b.last_name_phonetic THEN 'phonetic'
    WHEN jaro_winkler_similarity(a.last_name_key, b.last_name_key) >= ${NAME_SIMILARITY_BANDS.close} THEN 'close'
    ELSE 'different' END`,
  birth_date: `CASE WHEN a.birth_date IS NULL OR b.birth_date IS NULL THEN 'missing'
    WHEN a.birth_date = b.birth_date THEN 'exact'
    WHEN year(a.birth_date) = year(b.birth_date) AND month(a.birth_date) = day(b.birth_date)
      AND day(a.birth_date) = month(b.birth_date) THEN 'near'
    WHEN (year(a.birth_date) = year(b.birth_date))::INT + (month(a.birth_date) = month(b.birth_date))::INT
      + (day(a.birth_date) = day(b.birth_date))::INT = 2 THEN 'near'
    ELSE 'different' END`,
  email: `CASE WHEN a.email IS NULL OR b.email IS NULL THEN 'missing'
    WHEN a.email = b.email THEN 'exact' ELSE 'different' END`,
  phone_mobile: `CASE WHEN a.phone_mobile IS NULL OR b.phone_mobile IS NULL THEN 'missing'
    WHEN a.phone_mobile = b.phone_mobile THEN 'exact' ELSE 'different' END`,
  phone_landline: `CASE WHEN a.phone_landline IS NULL OR b.phone_landline IS NULL THEN 'missing'
    WHEN a.phone_landline = b.phone_landline THEN 'exact' ELSE 'different' END`,
  address: `CASE WHEN a.address_key IS NULL OR b.address_key IS NULL THEN 'missing'
    WHEN a.dwelling_key = b.dwelling_key THEN 'dwelling'
    WHEN a.address_key = b.address_key THEN 'address'
    WHEN coalesce(a.insee_code, a.postcode) = coalesce(b.insee_code, b.postcode) THEN 'commune'
    ELSE 'different' END`,
  civility: `CASE WHEN a.civility IS NULL OR b.civility IS NULL THEN 'missing'
    WHEN a.civility = b.civility THEN 'same' ELSE 'different' END`,
} as const satisfies Record<keyof typeof MATCH_WEIGHTS, string>;

/**
 * SQL scoring candidate pairs (`pairsTable`: i < j node indices) against
 * `nodesTable`, keeping links at or above `MATCH_THRESHOLD`: columns i, j, weight.
 *
 * @example
 * connection.runAndReadAll(scoreCandidatePairsSql('ir_pairs', 'ir_nodes'))
 */
export function scoreCandidatePairsSql(pairsTable: string, nodesTable: string): string {
  const weight = (Object.keys(COMPARISON_LEVELS_SQL) as (keyof typeof MATCH_WEIGHTS)[])
    .map((comparison) => weightCase(comparison, COMPARISON_LEVELS_SQL[comparison]))
    .join('\n + ');
  return `SELECT i, j, weight FROM (
      SELECT p.i, p.j, ${weight} AS weight
      FROM ${pairsTable} p
      JOIN ${nodesTable} a ON a.idx = p.i
      JOIN ${nodesTable} b ON b.idx = p.j)
    WHERE weight >= ${MATCH_THRESHOLD}`;
}
