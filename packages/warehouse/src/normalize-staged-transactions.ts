import { TRANSACTION_COLUMNS } from '@alliage/domain';
import {
  latestAcceptedDate,
  MAX_IDENTIFIER_LENGTH,
  parseAmount,
  parseMemberDate,
} from '@alliage/normalize';
import { mapFieldResults } from './map-distinct-values.ts';
import type { NormalizeStagedOptions } from './normalize-staged-customers.ts';
import { repeatedKeyErrorsSql } from './repeated-key-errors-sql.ts';
import { sqlIdentifier } from './sql-literal.ts';

/**
 * Validates and normalises staged transaction rows in bulk into
 * `stage.<prefix>_normalized` and `stage.<prefix>_errors`, like
 * `normalizeStagedCustomers`: dates and amounts go through `@alliage/normalize`
 * once per distinct value. Every field is required; a repeated transaction_id
 * within the file is rejected, and so is a date after the day the file was received
 * (`latestAcceptedDate`). Category and channel are trimmed and lower-cased.
 *
 * @example
 * await normalizeStagedTransactions({ connection, stagedTable, columns, dialect, prefix: 'd2', receivedDate });
 */
export async function normalizeStagedTransactions(options: NormalizeStagedOptions): Promise<void> {
  const { connection, prefix } = options;
  const present = new Set(options.columns);
  // Staging trimmed the fields already (blank as NULL).
  const raw = (column: string) => (present.has(column) ? sqlIdentifier(column) : 'NULL::VARCHAR');
  const t = (suffix: string) => `stage.${sqlIdentifier(`${prefix}_${suffix}`)}`;

  // One row per line, every canonical column present: a view of the staged table, not a copy.
  await connection.run(`CREATE OR REPLACE VIEW ${t('input')} AS
    SELECT line, ${TRANSACTION_COLUMNS.map((column) => `${raw(column)} AS ${column}`).join(', ')}
    FROM ${options.stagedTable}`);
  const notAfter = latestAcceptedDate(options.receivedDate);
  await mapFieldResults({
    connection,
    distinctSql: `SELECT DISTINCT date FROM ${t('input')} WHERE date IS NOT NULL`,
    table: `${prefix}_date_map`,
    value: { name: 'iso', type: 'VARCHAR' },
    map: (raw) => parseMemberDate(raw, options.dialect.dateFormat, { notAfter }),
  });
  await mapFieldResults({
    connection,
    distinctSql: `SELECT DISTINCT amount_eur FROM ${t('input')} WHERE amount_eur IS NOT NULL`,
    table: `${prefix}_amount_map`,
    value: { name: 'amount', type: 'DOUBLE' },
    map: (raw) => parseAmount(raw, options.dialect.decimalSeparator),
  });
  await connection.run(`CREATE OR REPLACE TABLE ${t('normalized')} AS
    SELECT i.line, i.customer_id, i.transaction_id,
      CAST(d.iso AS DATE) AS transaction_date, d.reason AS date_reason,
      CAST(a.amount AS DECIMAL(14, 2)) AS amount_eur, a.reason AS amount_reason,
      lower(i.category) AS category, lower(i.channel) AS channel
    FROM ${t('input')} i
    LEFT JOIN ${t('date_map')} d ON d.in_0 = i.date
    LEFT JOIN ${t('amount_map')} a ON a.in_0 = i.amount_eur`);
  const required = (column: string, reason: string) =>
    `SELECT line, '${column}' AS column_name, '${reason}' AS reason, true AS fatal
       FROM ${t('input')} WHERE ${column} IS NULL`;
  await connection.run(`CREATE OR REPLACE TABLE ${t('errors')} AS
    ${[
      required('customer_id', 'missing customer_id'),
      required('transaction_id', 'missing transaction_id'),
      required('date', 'missing date'),
      required('amount_eur', 'missing amount'),
      required('category', 'missing category'),
      required('channel', 'missing channel'),
    ].join('\n    UNION ALL\n    ')}
    UNION ALL
    SELECT line, 'date', date_reason, true FROM ${t('normalized')} WHERE date_reason IS NOT NULL
    UNION ALL
    SELECT line, 'amount_eur', amount_reason, true FROM ${t('normalized')} WHERE amount_reason IS NOT NULL
    UNION ALL
    SELECT line, 'customer_id', 'customer_id longer than ${MAX_IDENTIFIER_LENGTH} characters', true
      FROM ${t('normalized')} WHERE length(customer_id) > ${MAX_IDENTIFIER_LENGTH}
    UNION ALL
    ${repeatedKeyErrorsSql(t('normalized'), 'transaction_id')}`);
  await connection.run(`DROP VIEW ${t('input')}`);
  await connection.run(`DROP TABLE ${options.stagedTable}`);
}
