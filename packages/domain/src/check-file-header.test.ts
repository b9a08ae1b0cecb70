import { describe, expect, it } from 'vitest';
import { checkFileHeader } from './check-file-header.ts';
import { DEFAULT_DIALECT_PROFILE, ZDialectProfile } from './dialect-profile.ts';
import { TRANSACTION_COLUMNS } from './member-file.ts';

describe('checkFileHeader', () => {
  it('accepts the canonical header, with a BOM and in any case', () => {
    const check = checkFileHeader(
      ['\uFEFFCUSTOMER_ID', ...TRANSACTION_COLUMNS.slice(1)],
      'transactions',
      DEFAULT_DIALECT_PROFILE,
    );
    expect(check.issues).toEqual([]);
    expect(check.columns).toEqual([...TRANSACTION_COLUMNS]);
  });

  it('maps French headers through the dialect profile', () => {
    const profile = ZDialectProfile.parse({
      encoding: 'windows-1252',
      delimiter: ';',
      decimalSeparator: ',',
      dateFormat: 'DD/MM/YYYY',
      headers: { transactions: { NUM_CLIENT: 'customer_id', MONTANT: 'amount_eur' } },
    });
    const check = checkFileHeader(
      ['NUM_CLIENT', 'transaction_id', 'date', 'MONTANT', 'category', 'channel'],
      'transactions',
      profile,
    );
    expect(check.issues).toEqual([]);
    expect(check.columns[3]).toBe('amount_eur');
  });

  it('names unknown, repeated and missing columns', () => {
    const check = checkFileHeader(
      ['customer_id', 'NOM', 'customer_id'],
      'transactions',
      DEFAULT_DIALECT_PROFILE,
    );
    expect(check.issues).toContainEqual({
      column: 2,
      reason: 'unknown header (not a canonical column nor mapped in the dialect profile)',
    });
    expect(check.issues).toContainEqual({
      column: 3,
      reason: 'column customer_id repeats column 1',
    });
    expect(check.issues).toContainEqual({
      column: null,
      reason: 'missing required column amount_eur',
    });
  });

  it('never echoes a header cell: a file without its header line has a customer row there', () => {
    // Synthetic row values standing for a customer's first line.
    const row = ['C1', 'M', 'Testa', 'TESTNAME', '', '', '12 avenue Victor Hugo', '', '75016'];
    const check = checkFileHeader(
      [...row, 'PARIS', 'FR', 'tc1@example.invalid', '06 12 34 56 78'],
      'customers',
      DEFAULT_DIALECT_PROFILE,
    );
    expect(check.issues).toEqual([
      {
        column: null,
        reason: 'no cell of the first line is a known column: the header line may be missing',
      },
    ]);
    const withData = checkFileHeader(
      [...TRANSACTION_COLUMNS, 'tc1@example.invalid', 'NAME\u0000'],
      'transactions',
      DEFAULT_DIALECT_PROFILE,
    );
    const reasons = JSON.stringify(withData.issues);
    expect(withData.issues.map((issue) => issue.column)).toEqual([7, 8]);
    expect(reasons).not.toContain('example.invalid');
    expect(reasons).not.toContain('NAME');
    expect(reasons).not.toContain('\\u0000');
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'treats a header named %s as unknown, not as an inherited property',
    (name) => {
      const check = checkFileHeader(
        [...TRANSACTION_COLUMNS, name],
        'transactions',
        DEFAULT_DIALECT_PROFILE,
      );
      expect(check.issues).toEqual([
        {
          column: TRANSACTION_COLUMNS.length + 1,
          reason: 'unknown header (not a canonical column nor mapped in the dialect profile)',
        },
      ]);
      expect(check.columns.at(-1)).toBe('');
    },
  );

  it('lets customers files leave out the consent columns', () => {
    const header = [
      'customer_id',
      'civility',
      'first_name',
      'last_name',
      'address_complement',
      'address_building',
      'street',
      'address_locality',
      'postcode',
      'city',
      'country',
      'email',
      'phone_mobile',
      'phone_landline',
      'birth_date',
      'created_at',
    ];
    expect(checkFileHeader(header, 'customers', DEFAULT_DIALECT_PROFILE).issues).toEqual([]);
  });
});

describe('ZDialectProfile', () => {
  it('refuses a decimal separator equal to the delimiter and a header mapped twice', () => {
    expect(ZDialectProfile.safeParse({ delimiter: ',', decimalSeparator: ',' }).success).toBe(
      false,
    );
    expect(
      ZDialectProfile.safeParse({ headers: { transactions: { A: 'date', B: 'date' } } }).success,
    ).toBe(false);
    expect(
      ZDialectProfile.safeParse({ headers: { transactions: { A: 'not_a_column' } } }).success,
    ).toBe(false);
  });
});
