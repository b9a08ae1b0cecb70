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
 *
 * @example
 * const { sql, params, types } = compileSelectionCount(criteria, scope);
 * const rows = (await connection.runAndReadAll(sql, params, types)).getRowObjectsJS();
 */
export function compileSelectionCount(
  criteria: TSelectionCriteria,
  scope: TSelectionScope,
  options: { precomputed?: boolean } = {},
): TCompiledSelection {
  // Counts read the precomputed reach and opposition marks unless told otherwise.
  const { withClause, parameters } = buildSelectionSql(criteria, scope, {
    precomputed: options.precomputed ?? true,
  });
  const perChannel = CHANNELS.map(
    (channel) => `count(*) FILTER (WHERE eligible_${channel}) AS count_${channel}`,
  );
  // With one per household, each household is first reduced to one row: eligible on a
  // channel when one of its persons is, in the département of its first person (by
  // person_id) eligible on the scope channel — the person extraction keeps
  // (`household_first`). Cheaper than distinct counts per channel over the persons.
  const units = criteria.onePerHousehold
    ? `(SELECT ${CHANNELS.map((channel) => `bool_or(eligible_${channel}) AS eligible_${channel}`).join(', ')},
        arg_min(departement, person_id) FILTER (WHERE eligible_${scope.channel}) AS departement,
        true AS household_first
      FROM sel_candidates GROUP BY household_key)`
    : 'sel_ranked';
  const sql = `${withClause}
  SELECT grouping(departement) = 1 AS is_total, departement,
    count(*) FILTER (WHERE eligible_${scope.channel} AND household_first) AS scope_count,
    ${perChannel.join(',\n    ')}
  FROM (SELECT coalesce(departement, 'unknown') AS departement, * EXCLUDE (departement) FROM ${units})
  GROUP BY GROUPING SETS ((departement), ())`;
  return { sql, params: parameters.values, types: parameters.types };
}
