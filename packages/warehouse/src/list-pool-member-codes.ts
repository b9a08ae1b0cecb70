import { MEMBER_DATA_TABLES } from './delete-member-data.ts';
import type { TWarehouse } from './open-warehouse.ts';

/**
 * The members the pool holds any row of (records, transactions, aggregates, loaded
 * drops, delivery suppliers), sorted: a pool build compares them with the members
 * whose data must be gone (a pool file restored from before an offboarding).
 *
 * @example
 * const held = await listPoolMemberCodes(warehouse); // ['M01', 'M02']
 */
export async function listPoolMemberCodes(warehouse: TWarehouse): Promise<string[]> {
  const connection = await warehouse.connect();
  try {
    const union = MEMBER_DATA_TABLES.map((table) => `SELECT DISTINCT member_code FROM ${table}`);
    const rows = await connection.runAndReadAll(
      `SELECT member_code FROM (${union.join(' UNION ')}) ORDER BY 1`,
    );
    return rows.getRowsJS().map((row) => String(row[0]));
  } finally {
    connection.closeSync();
  }
}
