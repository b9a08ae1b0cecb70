import { TRANSACTION_COLUMNS } from '@alliage/domain';
import { z } from 'zod';
import { MAX_IDENTIFIER_LENGTH } from './customer-row-schema.ts';
import { controlCharacterIssues } from './find-control-character.ts';
import { latestAcceptedDate } from './latest-accepted-date.ts';
import { parseAmount, type TDecimalSeparator } from './parse-amount.ts';
import { parseMemberDate, type TMemberDateFormat } from './parse-member-date.ts';

/** A raw row of a transactions file: canonical column → text as read. */
export const ZRawTransactionRow = z.object(
  Object.fromEntries(
    TRANSACTION_COLUMNS.map((column) => [column, z.string().optional()]),
  ) as Record<(typeof TRANSACTION_COLUMNS)[number], z.ZodOptional<z.ZodString>>,
);
export type TRawTransactionRow = z.infer<typeof ZRawTransactionRow>;

/** A validated transaction. */
export interface TTransactionRecord {
  customerId: string;
  transactionId: string;
  date: string;
  amountEur: number;
  /** Trimmed and lower-cased. */
  category: string;
  channel: string;
}

/**
 * The contract of one transactions row, as a zod schema: no field may hold a
 * control character (`CONTROL_CHARACTER`), every field is required; the date and
 * amount are read with the member's dialect, and a date after
 * `latestAcceptedDate(receivedDate)` is refused. Issues sit
 * at the column with the reason as message, never the value. The pool's bulk
 * path enforces the same contract (tested on the same cases); a repeated
 * transaction_id is a file rule checked there.
 *
 * @example
 * transactionRowSchema({ dateFormat: 'DD/MM/YYYY', decimalSeparator: ',', receivedDate: '2026-11-23' }).safeParse(row)
 */
export function transactionRowSchema(options: {
  dateFormat: TMemberDateFormat;
  decimalSeparator: TDecimalSeparator;
  /** The day the file was received: later transaction dates (but one day) are refused. */
  receivedDate: string;
}) {
  const dateOptions = { notAfter: latestAcceptedDate(options.receivedDate) };
  return ZRawTransactionRow.transform((raw, ctx): TTransactionRecord => {
    const fail = (column: string, reason: string) => {
      ctx.addIssue({ code: 'custom', path: [column], message: reason });
    };
    // As in customerRowSchema: a control character rejects the row for that reason alone.
    const controls = controlCharacterIssues(raw);
    if (controls.length > 0) {
      for (const issue of controls) fail(issue.column, issue.reason);
      return z.NEVER;
    }
    const required = (column: (typeof TRANSACTION_COLUMNS)[number], reason: string) => {
      const value = raw[column]?.trim() ?? '';
      if (value === '') fail(column, reason);
      return value;
    };
    const customerId = required('customer_id', 'missing customer_id');
    const transactionId = required('transaction_id', 'missing transaction_id');
    const rawDate = required('date', 'missing date');
    const rawAmount = required('amount_eur', 'missing amount');
    const category = required('category', 'missing category').toLowerCase();
    const channel = required('channel', 'missing channel').toLowerCase();
    if (customerId.length > MAX_IDENTIFIER_LENGTH) {
      fail('customer_id', `customer_id longer than ${MAX_IDENTIFIER_LENGTH} characters`);
    }
    let date = '';
    if (rawDate !== '') {
      const parsed = parseMemberDate(rawDate, options.dateFormat, dateOptions);
      if (parsed.ok) date = parsed.value ?? '';
      else fail('date', parsed.reason);
    }
    let amountEur = 0;
    if (rawAmount !== '') {
      const parsed = parseAmount(rawAmount, options.decimalSeparator);
      if (parsed.ok) amountEur = parsed.value;
      else fail('amount_eur', parsed.reason);
    }
    return { customerId, transactionId, date, amountEur, category, channel };
  });
}
