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
/**
 * Copies the rows of `table` of each person identity resolution split to the persons
 * that took some of its records (`ir_split`, before `repointMergedPersons` moves the
 * merged ones): a client's "already delivered to me" must still exclude the people of a
 * delivered person whose records were later told apart, and an access answer must
 * still list what a member supplied of them. A member's supplier row goes only to a
 * person holding a record of that member. Erring towards more: the copy may name a
 * delivery that reached the other half of the split.
 *
 * @example
 * await copySplitPersonRows(connection, 'delivered_persons');
 */
export async function copySplitPersonRows(
  connection: DuckDBConnection,
  table: 'delivered_persons' | 'delivered_person_suppliers',
): Promise<void> {
  if (table === 'delivered_persons') {
    await connection.run(`INSERT INTO delivered_persons
      SELECT DISTINCT d.client_code, d.delivery_id, s.person_id, d.delivered_on
      FROM delivered_persons d JOIN ir_split s ON d.person_id = s.previous_id
      WHERE NOT EXISTS (SELECT 1 FROM delivered_persons e
        WHERE e.delivery_id = d.delivery_id AND e.person_id = s.person_id)`);
    return;
  }
  await connection.run(`INSERT INTO delivered_person_suppliers
    SELECT DISTINCT d.delivery_id, s.person_id, d.member_code
    FROM delivered_person_suppliers d JOIN ir_split s ON d.person_id = s.previous_id
    WHERE EXISTS (SELECT 1 FROM member_records m
        WHERE m.person_id = s.person_id AND m.member_code = d.member_code)
      AND NOT EXISTS (SELECT 1 FROM delivered_person_suppliers e
        WHERE e.delivery_id = d.delivery_id AND e.person_id = s.person_id
          AND e.member_code = d.member_code)`);
}

export async function repointMergedPersons(
  connection: DuckDBConnection,
  table: 'delivered_persons' | 'delivered_person_suppliers',
): Promise<void> {
  await connection.run(`UPDATE ${table} t SET person_id = r.successor_id
    FROM ir_retired r
    WHERE r.reason = 'merged' AND r.successor_id IS NOT NULL AND t.person_id = r.person_id`);
}
