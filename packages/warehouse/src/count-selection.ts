import type { TChannel, TSelectionCriteria } from '@alliage/domain';
import { compileSelectionCount } from './compile-selection.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { readReferenceTables } from './read-reference-tables.ts';
import type { TSelectionScope } from './selection-scope.ts';
import { CHANNELS } from './selection-sql.ts';

/** Exact counts of a selection (disclosure rules are the caller's). */
export interface TSelectionCounts {
  /** Persons eligible on the scope channel and matching the criteria. */
  total: number;
  /** The same criteria, had the selection been on each channel. */
  byChannel: Record<TChannel, number>;
  /** `total` by département of residence ('unknown' when not known). */
  byDepartement: Record<string, number>;
}

/**
 * Counts a selection on a reader connection, in one query; nothing is written.
 * Reference criteria are checked against the pool's `reference_tables` first.
 * Mirror the repoussoir (`syncRepoussoirHashes`) before counting.
 *
 * @example
 * const { total, byChannel, byDepartement } = await countSelection(warehouse, criteria, scope);
 */
export async function countSelection(
  warehouse: TWarehouse,
  criteria: TSelectionCriteria,
  scope: TSelectionScope,
): Promise<TSelectionCounts> {
  const connection = await warehouse.connect();
  try {
    const referenceTables =
      criteria.reference && !scope.referenceTables
        ? await readReferenceTables(connection)
        : scope.referenceTables;
    const { sql, params, types } = compileSelectionCount(criteria, { ...scope, referenceTables });
    const rows = (await connection.runAndReadAll(sql, params, types)).getRowObjectsJS();
    const counts: TSelectionCounts = {
      total: 0,
      byChannel: Object.fromEntries(CHANNELS.map((channel) => [channel, 0])) as Record<
        TChannel,
        number
      >,
      byDepartement: {},
    };
    for (const row of rows) {
      if (row.is_total) {
        counts.total = Number(row.scope_count);
        for (const channel of CHANNELS) counts.byChannel[channel] = Number(row[`count_${channel}`]);
      } else if (Number(row.scope_count) > 0) {
        counts.byDepartement[String(row.departement)] = Number(row.scope_count);
      }
    }
    return counts;
  } finally {
    connection.closeSync();
  }
}
