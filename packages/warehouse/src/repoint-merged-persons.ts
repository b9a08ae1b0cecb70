import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Moves the rows of `table` (with a `person_id`) from each person identity
 * resolution just merged into another to that successor (`ir_retired`), so what the
 * pool remembers of a person — delivered to a client, supplied by a member — follows
 * its records instead of staying on an ID that no longer exists.
 *
 * @example
 * await repointMergedPersons(connection, 'delivered_persons');
 */
export async function repointMergedPersons(
  connection: DuckDBConnection,
  table: 'delivered_persons' | 'delivered_person_suppliers',
): Promise<void> {
  await connection.run(`UPDATE ${table} t SET person_id = r.successor_id
    FROM ir_retired r
    WHERE r.reason = 'merged' AND r.successor_id IS NOT NULL AND t.person_id = r.person_id`);
}
