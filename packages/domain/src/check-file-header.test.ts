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
      reason: expect.stringContaining('unknown header "NOM"'),
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
