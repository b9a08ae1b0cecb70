import type { DuckDBConnection } from '@duckdb/node-api';
import { copySplitPersonRows, repointMergedPersons } from './repoint-merged-persons.ts';

/**
 * Keeps `delivered_person_suppliers` in step with identity resolution, inside the
 * refresh's transaction, right after `resolveIdentities` (it reads that step's
 * `ir_retired` and `ir_previous_persons`): a person merged into another hands its rows
 * to its successor (its records are there now); then a row whose member no longer
 * holds a record of the person resolution just touched is deleted — whatever removed
 * it: the retention purge, an erasure, an offboarding, a person gone. So what the pool
 * says a member supplied to whom never outlives that member's record of the person.
 * Returns the rows deleted.
 *
 * @example
 * const forgotten = await refreshDeliveredSuppliers(connection);
 */
export async function refreshDeliveredSuppliers(connection: DuckDBConnection): Promise<number> {
  await copySplitPersonRows(connection, 'delivered_person_suppliers');
  await repointMergedPersons(connection, 'delivered_person_suppliers');
  // Only the touched persons' rows are probed, against those persons' records only.
  const unheld = `FROM delivered_person_suppliers s
    WHERE s.person_id IN (SELECT person_id FROM ir_previous_persons)
      AND NOT EXISTS (
        SELECT 1 FROM member_records m
        WHERE m.person_id IN (SELECT person_id FROM ir_previous_persons)
          AND m.person_id = s.person_id AND m.member_code = s.member_code)`;
  const rows = Number(
    (await connection.runAndReadAll(`SELECT count(*) ${unheld}`)).getRowsJS()[0]?.[0] ?? 0,
  );
  if (rows > 0) {
    await connection.run(`DELETE FROM delivered_person_suppliers WHERE rowid IN (
      SELECT s.rowid ${unheld})`);
  }
  return rows;
}
