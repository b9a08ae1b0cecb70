import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { TDeliveryRow } from './delivery-row.ts';
import { deliveryCsvColumns, formatDeliveryCsv } from './format-delivery-csv.ts';

const ROW: TDeliveryRow = {
  rowId: 'RABCDEFGHJK',
  civility: 'MME',
  firstName: 'Hélène',
  lastName: 'Test-Only',
  addressLines: ['MME HELENE TEST-ONLY', '12 RUE DE LA PAIX', '75002 PARIS'],
  postcode: '75002',
  city: 'PARIS',
  email: 'test-only@example.invalid',
  phone: '0612345678',
};

const decode = (bytes: Uint8Array): string =>
  new TextDecoder('utf-8', { fatal: true }).decode(bytes);
const parseCsv = (bytes: Uint8Array): string[][] =>
  parse(decode(bytes), { relax_column_count: false }) as string[][];

describe('formatDeliveryCsv', () => {
  it('writes a postal file: header, address block padded to six lines, CRLF', () => {
    const text = decode(formatDeliveryCsv([ROW], 'postal'));
    expect(text).toBe(
      'row_id,civility,first_name,last_name,address_line_1,address_line_2,address_line_3,address_line_4,address_line_5,address_line_6,postcode,city\r\n' +
        'RABCDEFGHJK,MME,Hélène,Test-Only,MME HELENE TEST-ONLY,12 RUE DE LA PAIX,75002 PARIS,,,,75002,PARIS\r\n',
    );
  });

  it('writes only the contact field of the ordered channel', () => {
    const email = decode(formatDeliveryCsv([ROW], 'email'));
    expect(email).toBe(
      'row_id,civility,first_name,last_name,email\r\nRABCDEFGHJK,MME,Hélène,Test-Only,test-only@example.invalid\r\n',
    );
    for (const channel of ['sms', 'phone'] as const) {
      const text = decode(formatDeliveryCsv([ROW], channel));
      expect(text).toBe(
        'row_id,civility,first_name,last_name,phone\r\nRABCDEFGHJK,MME,Hélène,Test-Only,0612345678\r\n',
      );
    }
    expect(email).not.toContain('0612345678');
    expect(email).not.toContain('PAIX');
    const postal = decode(formatDeliveryCsv([ROW], 'postal'));
    expect(postal).not.toContain('example.invalid');
    expect(postal).not.toContain('0612345678');
  });

  it('neutralises formula cells and quotes commas, quotes and line breaks (RFC 4180)', () => {
    const hostile: TDeliveryRow = {
      ...ROW,
      firstName: '=HYPERLINK("http://evil.invalid","x")',
      lastName: 'DUPONT, "DIT" LE\r\nGRAND',
      addressLines: ['@SUM(1+1)*cmd|', '+33 FORMULE', '-1', '\tTAB', '\rCR', 'A\nB'],
      email: null,
    };
    const bytes = formatDeliveryCsv([hostile], 'postal');
    const [header, row] = parseCsv(bytes);
    expect(header).toEqual(deliveryCsvColumns('postal'));
    expect(row).toEqual([
      'RABCDEFGHJK',
      'MME',
      `'=HYPERLINK("http://evil.invalid","x")`,
      'DUPONT, "DIT" LE\r\nGRAND',
      "'@SUM(1+1)*cmd|",
      "'+33 FORMULE",
      "'-1",
      "'\tTAB",
      "'\rCR",
      'A\nB',
      '75002',
      'PARIS',
    ]);
    // No parsed cell may start with a trigger.
    for (const cell of row!) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(decode(bytes)).toContain('"\'=HYPERLINK(""http://evil.invalid"",""x"")"');
  });

  it('neutralises the email and phone cells too', () => {
    const [, emailRow] = parseCsv(
      formatDeliveryCsv([{ ...ROW, email: '=1+1@x.invalid' }], 'email'),
    );
    expect(emailRow![4]).toBe("'=1+1@x.invalid");
    const [, phoneRow] = parseCsv(formatDeliveryCsv([{ ...ROW, phone: '+33612345678' }], 'sms'));
    expect(phoneRow![4]).toBe("'+33612345678");
  });

  it('writes nulls as empty cells and a header alone for no rows', () => {
    const empty: TDeliveryRow = {
      rowId: 'R0000000000',
      civility: null,
      firstName: null,
      lastName: null,
      addressLines: [],
      postcode: null,
      city: null,
      email: null,
      phone: null,
    };
    expect(decode(formatDeliveryCsv([empty], 'email'))).toBe(
      'row_id,civility,first_name,last_name,email\r\nR0000000000,,,,\r\n',
    );
    expect(decode(formatDeliveryCsv([], 'sms'))).toBe(
      'row_id,civility,first_name,last_name,phone\r\n',
    );
  });

  it('refuses rows without a unique row ID or with more than six address lines', () => {
    expect(() => formatDeliveryCsv([{ ...ROW, rowId: '' }], 'email')).toThrow(
      'delivery row 0 has an empty or repeated row ID',
    );
    expect(() => formatDeliveryCsv([ROW, ROW], 'email')).toThrow(
      'delivery row 1 has an empty or repeated row ID',
    );
    expect(() =>
      formatDeliveryCsv([{ ...ROW, addressLines: ['1', '2', '3', '4', '5', '6', '7'] }], 'postal'),
    ).toThrow('delivery row 0 has 7 address lines; at most 6');
  });

  it('round-trips many rows through a real CSV parser', () => {
    const rows = Array.from({ length: 1000 }, (_, index) => ({
      ...ROW,
      rowId: `R${String(index).padStart(10, '0')}`,
      lastName: index % 3 === 0 ? `O'NEIL, "${index}"` : `NOM${index}`,
    }));
    const parsed = parseCsv(formatDeliveryCsv(rows, 'postal'));
    expect(parsed).toHaveLength(1001);
    expect(parsed.slice(1).map((row) => row[3])).toEqual(rows.map((row) => row.lastName));
  });
});
