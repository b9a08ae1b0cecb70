// Pool-reading helpers of the end-to-end tests; the generic ones (serve, CLI, SFTP,
// gpg) live in `@alliage/cli/testing`, shared with `npm run demo`.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openWarehouse, type TWarehouse } from '@alliage/warehouse';
import { parse } from 'csv-parse/sync';

/** A read connection to the pool. */
export type TPoolConnection = Awaited<ReturnType<TWarehouse['connect']>>;

/** A member CSV read back: its header and its rows, every field as text. */
export interface TMemberCsv {
  header: string[];
  rows: string[][];
}

/** A pooled record's resolved identity, keyed elsewhere by `${member_code}:${customer_id}`. */
export interface TPooledIdentity {
  /** Null would mean a record left unresolved. */
  personId: number | null;
  householdId: number | null;
}

/**
 * Reads a generated UTF-8 member CSV (with or without a byte order mark).
 *
 * @example
 * const { header, rows } = readMemberCsv('/tmp/pool/M01_customers.csv', ',');
 */
export function readMemberCsv(file: string, delimiter: string): TMemberCsv {
  const [header, ...rows] = parse(readFileSync(file, 'utf8'), {
    delimiter,
    bom: true,
    relax_quotes: false,
  }) as string[][];
  if (!header) throw new Error(`${path.basename(file)} has no header`);
  return { header, rows };
}

/**
 * Writes a member CSV in UTF-8 with every field quoted (embedded quotes doubled).
 *
 * @example
 * writeMemberCsv('/tmp/delta.csv', { header, rows, delimiter: ';' });
 */
export function writeMemberCsv(file: string, csv: TMemberCsv & { delimiter: string }): void {
  const line = (fields: string[]) =>
    fields.map((field) => `"${field.replaceAll('"', '""')}"`).join(csv.delimiter);
  writeFileSync(file, `${[csv.header, ...csv.rows].map(line).join('\n')}\n`);
}

/**
 * Opens the pool of a STOPPED platform (one process owns it) with the data
 * directory's own key, runs `work` on a read connection, and closes it.
 *
 * @example
 * const count = await withPool(dataDir, (connection) => countRows(connection, 'SELECT count(*) FROM persons'));
 */
export async function withPool<T>(
  dataDir: string,
  work: (connection: TPoolConnection) => Promise<T>,
): Promise<T> {
  const warehouse = await openWarehouse({
    databasePath: path.join(dataDir, 'pool', 'pool.duckdb'),
    encryptionKey: readFileSync(path.join(dataDir, 'secrets', 'pool.key'), 'utf8'),
    memoryLimit: '1GB',
  });
  try {
    const connection = await warehouse.connect();
    return await work(connection);
  } finally {
    await warehouse.close();
  }
}

/**
 * Runs a query and returns its rows as plain JS values.
 *
 * @example
 * const rows = await queryRows(connection, 'SELECT customer_id FROM member_records WHERE member_code = $1', ['M01']);
 */
export async function queryRows(
  connection: TPoolConnection,
  sql: string,
  params: (string | number)[] = [],
): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql, params)).getRowsJS() as unknown[][];
}

/**
 * Runs a `SELECT count(*)`-like query and returns its one number.
 *
 * @example
 * const persons = await countRows(connection, 'SELECT count(*) FROM persons');
 */
export async function countRows(
  connection: TPoolConnection,
  sql: string,
  params: (string | number)[] = [],
): Promise<number> {
  return Number((await queryRows(connection, sql, params))[0]?.[0] ?? Number.NaN);
}

/**
 * Every pooled record's person and household, keyed by `${member_code}:${customer_id}`.
 *
 * @example
 * const identities = await readPoolIdentities(connection); identities.get('M01:C000001')?.personId
 */
export async function readPoolIdentities(
  connection: TPoolConnection,
): Promise<Map<string, TPooledIdentity>> {
  const rows = await queryRows(
    connection,
    `SELECT r.member_code || ':' || r.customer_id, r.person_id, p.household_id
     FROM member_records r LEFT JOIN persons p USING (person_id)`,
  );
  return new Map(
    rows.map(([recordKey, personId, householdId]) => [
      String(recordKey),
      {
        personId: personId === null ? null : Number(personId),
        householdId: householdId === null ? null : Number(householdId),
      },
    ]),
  );
}

/**
 * An ISO date `months` calendar months before `today` (UTC).
 *
 * @example
 * monthsBefore('2026-11-23', 40) // '2023-07-23'
 */
export function monthsBefore(today: string, months: number): string {
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - months);
  return date.toISOString().slice(0, 10);
}
