import { CUSTOMER_COLUMNS, TRANSACTION_COLUMNS } from '@alliage/domain';
import type { TWarehouse } from './open-warehouse.ts';

/** A member's data as the two files of the canonical member file format. */
export interface TMemberDataExport {
  /** `customers` CSV (UTF-8, comma, LF, ISO dates, opt-ins as 1/0), records and held records. */
  customersCsv: string;
  /** `transactions` CSV. */
  transactionsCsv: string;
  records: number;
  transactions: number;
}

/**
 * Everything the pool holds for one member, written back in the canonical
 * member file format (DESIGN.md) so the member can reload it anywhere: its
 * records (held ones too) as received after normalisation, and its
 * transactions. Values are written as they are, not neutralised for
 * spreadsheets: the file is for machines, like the member's own drops.
 * Personal data: the caller encrypts it before it touches a disk.
 *
 * @example
 * const { customersCsv, transactionsCsv } = await exportMemberData(warehouse, 'M01');
 */
export async function exportMemberData(
  warehouse: TWarehouse,
  memberCode: string,
): Promise<TMemberDataExport> {
  const connection = await warehouse.connect();
  try {
    const customerColumns = `customer_id, civility, first_name, last_name, address_complement,
      address_building, street, address_locality, postcode, city, country, email, phone_mobile,
      phone_landline, CAST(birth_date AS VARCHAR), CAST(optin_email::INT AS VARCHAR),
      CAST(optin_sms::INT AS VARCHAR), CAST(optin_phone::INT AS VARCHAR), CAST(created_at AS VARCHAR)`;
    const customers = (
      await connection.runAndReadAll(
        `SELECT ${customerColumns} FROM member_records WHERE member_code = $1
         UNION ALL
         SELECT ${customerColumns} FROM held_records WHERE member_code = $1
         ORDER BY 1`,
        [memberCode],
      )
    ).getRowsJS() as (string | null)[][];
    const transactions = (
      await connection.runAndReadAll(
        `SELECT customer_id, transaction_id, CAST(transaction_date AS VARCHAR),
           CAST(amount_eur AS VARCHAR), category, channel
         FROM transactions WHERE member_code = $1 ORDER BY customer_id, transaction_id`,
        [memberCode],
      )
    ).getRowsJS() as (string | null)[][];
    return {
      customersCsv: toCsv(CUSTOMER_COLUMNS, customers),
      transactionsCsv: toCsv(TRANSACTION_COLUMNS, transactions),
      records: customers.length,
      transactions: transactions.length,
    };
  } finally {
    connection.closeSync();
  }
}

function toCsv(header: readonly string[], rows: (string | null)[][]): string {
  const lines = [header.join(',')];
  for (const row of rows) lines.push(row.map((value) => csvField(value ?? '')).join(','));
  return `${lines.join('\n')}\n`;
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
