import type { TSelectionCriteria } from '@alliage/domain';
import type { TCompiledSelection, TSelectionScope } from './selection-scope.ts';
import { buildSelectionSql, CHANNELS } from './selection-sql.ts';

/**
 * Compiles a selection count to one parameterised DuckDB query (eligibility
 * always ANDed in: see `buildSelectionSql` and docs/selections.md). It returns
 * one row per département of the persons eligible on the scope channel
 * (`is_total` false, `scope_count`), and one total row (`is_total` true) with
 * `scope_count` and a count per channel (`count_<channel>`): the same criteria,
 * eligibility on that channel. With `onePerHousehold`, a household counts once.
 * With `cellKeySeed`, every count comes with its cell key (`key_scope`, `key_<channel>`):
 * the sum modulo 2^32 of the counted units' keys, each `hash(key XOR seed)` modulo 2^32
 * of its person (its household with `onePerHousehold`), in the same aggregation.
 *
 * @example
 * const { sql, params, types } = compileSelectionCount(criteria, scope);
 * const rows = (await connection.runAndReadAll(sql, params, types)).getRowObjectsJS();
 */
export function compileSelectionCount(
  criteria: TSelectionCriteria,
  scope: TSelectionScope,
  options: { precomputed?: boolean; cellKeySeed?: number } = {},
): TCompiledSelection {
  // Counts read the precomputed reach and opposition marks unless told otherwise.
  const { withClause, parameters } = buildSelectionSql(criteria, scope, {
    precomputed: options.precomputed ?? true,
  });
  const scopeFilter = `eligible_${scope.channel} AND household_first`;
  const perChannel = CHANNELS.map(
    (channel) => `count(*) FILTER (WHERE eligible_${channel}) AS count_${channel}`,
  );
  // Cell-key method (docs/selections.md, Counts): a cell's key is the sum of its units'
  // keys mod 2^32, so the same units always get the same key and one unit more or less
  // gives an independent one. The seed is bound, never spliced (it derives from the
  // platform secret), and goes INTO the hash as for sampling (`hash(a, b)` only combines).
  const seed =
    options.cellKeySeed === undefined ? null : parameters.add('bigint', options.cellKeySeed);
  const cellKey = (filter: string, name: string) =>
    `coalesce(sum(unit_key) FILTER (WHERE ${filter}) % 4294967296, 0)::BIGINT AS ${name}`;
  const cellKeys =
    seed === null
      ? []
      : [
          cellKey(scopeFilter, 'key_scope'),
          ...CHANNELS.map((channel) => cellKey(`eligible_${channel}`, `key_${channel}`)),
        ];
  const unitKey =
    seed === null ? '' : `hash(xor(household_key, ${seed})) % 4294967296 AS unit_key, `;
  // With one per household, each household is first reduced to one row: eligible on a
  // channel when one of its persons is, in the département of its first person (by
  // person_id) eligible on the scope channel — the person extraction keeps
  // (`household_first`). Cheaper than distinct counts per channel over the persons.
  const units = criteria.onePerHousehold
    ? `(SELECT ${CHANNELS.map((channel) => `bool_or(eligible_${channel}) AS eligible_${channel}`).join(', ')},
        arg_min(departement, person_id) FILTER (WHERE eligible_${scope.channel}) AS departement,
        true AS household_first,
        household_key
      FROM sel_candidates GROUP BY household_key)`
    : 'sel_ranked';
  const sql = `${withClause}
  SELECT grouping(departement) = 1 AS is_total, departement,
    count(*) FILTER (WHERE ${scopeFilter}) AS scope_count,
    ${[...perChannel, ...cellKeys].join(',\n    ')}
  FROM (SELECT coalesce(departement, 'unknown') AS departement, ${unitKey}* EXCLUDE (departement) FROM ${units})
  GROUP BY GROUPING SETS ((departement), ())`;
  return { sql, params: parameters.values, types: parameters.types };
}
