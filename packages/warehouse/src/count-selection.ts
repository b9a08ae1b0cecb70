import { AppError, type TChannel, type TSelectionCriteria } from '@alliage/domain';
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

/** The cell keys of a count (cell-key method), in [0, 2^32): one per count it gives. */
export interface TSelectionCellKeys {
  total: number;
  byChannel: Record<TChannel, number>;
  byDepartement: Record<string, number>;
}

/** Exact counts with the cell key of each (what disclosure perturbs them by). */
export interface TKeyedSelectionCounts extends TSelectionCounts {
  cellKeys: TSelectionCellKeys;
}

/**
 * Counts a selection on a reader connection, in one query; nothing is written.
 * Reference criteria are checked against the pool's `reference_tables` first.
 * Mirror the repoussoir (`syncRepoussoirHashes`) before counting. With a
 * `cellKeySeed` (a secret: it derives from the platform's HMAC secret), each count
 * comes with its cell key, computed in the same aggregation.
 *
 * @example
 * const { total, byChannel, byDepartement } = await countSelection(warehouse, criteria, scope);
 * const { cellKeys } = await countSelection(warehouse, criteria, scope, { cellKeySeed });
 */
export async function countSelection(
  warehouse: TWarehouse,
  criteria: TSelectionCriteria,
  scope: TSelectionScope,
): Promise<TSelectionCounts>;
export async function countSelection(
  warehouse: TWarehouse,
  criteria: TSelectionCriteria,
  scope: TSelectionScope,
  options: { cellKeySeed: number },
): Promise<TKeyedSelectionCounts>;
export async function countSelection(
  warehouse: TWarehouse,
  criteria: TSelectionCriteria,
  scope: TSelectionScope,
  options: { cellKeySeed?: number } = {},
): Promise<TSelectionCounts | TKeyedSelectionCounts> {
  const { cellKeySeed } = options;
  if (cellKeySeed !== undefined && !Number.isSafeInteger(cellKeySeed)) {
    throw new AppError('internal', 'cellKeySeed must be an integer');
  }
  const connection = await warehouse.connect();
  try {
    const referenceTables =
      criteria.reference && !scope.referenceTables
        ? await readReferenceTables(connection)
        : scope.referenceTables;
    const { sql, params, types } = compileSelectionCount(
      criteria,
      { ...scope, referenceTables },
      cellKeySeed === undefined ? {} : { cellKeySeed },
    );
    const rows = (await connection.runAndReadAll(sql, params, types)).getRowObjectsJS();
    const counts: TSelectionCounts = zeroCounts();
    const cellKeys: TSelectionCellKeys = zeroCounts();
    for (const row of rows) {
      if (row.is_total) {
        counts.total = Number(row.scope_count);
        cellKeys.total = Number(row.key_scope ?? 0);
        for (const channel of CHANNELS) {
          counts.byChannel[channel] = Number(row[`count_${channel}`]);
          cellKeys.byChannel[channel] = Number(row[`key_${channel}`] ?? 0);
        }
      } else if (Number(row.scope_count) > 0) {
        counts.byDepartement[String(row.departement)] = Number(row.scope_count);
        cellKeys.byDepartement[String(row.departement)] = Number(row.key_scope ?? 0);
      }
    }
    return cellKeySeed === undefined ? counts : { ...counts, cellKeys };
  } finally {
    connection.closeSync();
  }
}

// A count and its cell keys have the same shape: a total, one value per channel, by département.
function zeroCounts(): TSelectionCounts {
  return {
    total: 0,
    byChannel: Object.fromEntries(CHANNELS.map((channel) => [channel, 0])) as Record<
      TChannel,
      number
    >,
    byDepartement: {},
  };
}
