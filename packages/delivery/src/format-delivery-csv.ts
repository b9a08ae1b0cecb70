import { AppError, formatCsvCell, type TChannel } from '@alliage/domain';
import type { TDeliveryRow } from './delivery-row.ts';

/** NF Z10-011 allows at most six address lines. */
export const MAX_ADDRESS_LINES = 6;

const IDENTITY_COLUMNS = ['row_id', 'civility', 'first_name', 'last_name'] as const;
const ADDRESS_LINE_COLUMNS = Array.from(
  { length: MAX_ADDRESS_LINES },
  (_, index) => `address_line_${index + 1}`,
);
// Postcode and city repeat line 6 as their own columns: mail houses sort on them.
const POSTAL_COLUMNS = [...ADDRESS_LINE_COLUMNS, 'postcode', 'city'];

/**
 * The columns of a delivery file for `channel`: the row ID, civility and names, then
 * only the contact field of the ordered channel (the address block for postal, the
 * email for email, the phone for sms and phone).
 *
 * @example
 * deliveryCsvColumns('email') // ['row_id', 'civility', 'first_name', 'last_name', 'email']
 */
export function deliveryCsvColumns(channel: TChannel): string[] {
  switch (channel) {
    case 'postal':
      return [...IDENTITY_COLUMNS, ...POSTAL_COLUMNS];
    case 'email':
      return [...IDENTITY_COLUMNS, 'email'];
    case 'sms':
    case 'phone':
      return [...IDENTITY_COLUMNS, 'phone'];
  }
}

/**
 * Writes the delivery CSV: UTF-8 without BOM, a header line, `,` separators, RFC 4180
 * quoting, CRLF line ends, every cell passed through `neutraliseCsvCell`. Fields of
 * other channels are never written, even when the row carries them.
 *
 * @example
 * const csv = formatDeliveryCsv(rows, 'postal'); // Uint8Array, ready for encryptAndSign
 */
export function formatDeliveryCsv(rows: readonly TDeliveryRow[], channel: TChannel): Uint8Array {
  const lines: string[] = [csvLine(deliveryCsvColumns(channel))];
  const seenRowIds = new Set<string>();
  for (const [index, row] of rows.entries()) {
    // A bad row here is a bug upstream (the row IDs are ours): fail the job, not the client.
    if (row.rowId === '' || seenRowIds.has(row.rowId)) {
      throw new AppError('internal', `delivery row ${index} has an empty or repeated row ID`);
    }
    seenRowIds.add(row.rowId);
    lines.push(csvLine([...identityCells(row), ...contactCells(row, channel, index)]));
  }
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
}

function identityCells(row: TDeliveryRow): string[] {
  return [row.rowId, row.civility ?? '', row.firstName ?? '', row.lastName ?? ''];
}

function contactCells(row: TDeliveryRow, channel: TChannel, index: number): string[] {
  switch (channel) {
    case 'postal': {
      if (row.addressLines.length > MAX_ADDRESS_LINES) {
        throw new AppError(
          'internal',
          `delivery row ${index} has ${row.addressLines.length} address lines; at most ${MAX_ADDRESS_LINES}`,
        );
      }
      const addressLines = ADDRESS_LINE_COLUMNS.map((_, line) => row.addressLines[line] ?? '');
      return [...addressLines, row.postcode ?? '', row.city ?? ''];
    }
    case 'email':
      return [row.email ?? ''];
    case 'sms':
    case 'phone':
      return [row.phone ?? ''];
  }
}

function csvLine(values: readonly string[]): string {
  return values.map(formatCsvCell).join(',');
}
