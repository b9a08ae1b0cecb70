import type { TWarehouse } from './open-warehouse.ts';

/**
 * The identity assignment of every member record as CSV (`member_code,
 * customer_id, person_id, household_id`), so resolution quality can be
 * measured against a truth. Pseudonymous but personal data: callers restrict it
 * to operators and audit it.
 *
 * @example
 * const { csv, rows } = await exportIdentitiesCsv(warehouse);
 */
export async function exportIdentitiesCsv(
  warehouse: TWarehouse,
): Promise<{ csv: string; rows: number }> {
  const connection = await warehouse.connect();
  try {
    const columns = (
      await connection.runAndReadAll(
        `SELECT r.member_code, r.customer_id, CAST(r.person_id AS VARCHAR), CAST(p.household_id AS VARCHAR)
         FROM member_records r LEFT JOIN persons p USING (person_id)
         ORDER BY r.member_code, r.customer_id`,
      )
    ).getColumnsJS() as (string | null)[][];
    const [members = [], customers = [], persons = [], households = []] = columns;
    const lines = ['member_code,customer_id,person_id,household_id'];
    for (let index = 0; index < members.length; index++) {
      lines.push(
        [members[index], customers[index], persons[index], households[index]]
          .map((value) => csvField(value ?? ''))
          .join(','),
      );
    }
    return { csv: `${lines.join('\n')}\n`, rows: members.length };
  } finally {
    connection.closeSync();
  }
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
