import { describe, expect, it } from 'vitest';
import { parseDropFileName } from './member-file.ts';

describe('parseDropFileName', () => {
  it.each([
    ['customers.csv.pgp', { kind: 'customers', delta: false, armoured: false }],
    ['M01_customers_20261123.csv.gpg', { kind: 'customers', delta: false, armoured: false }],
    ['M01-customers-delta-20261123.csv.asc', { kind: 'customers', delta: true, armoured: true }],
    ['transactions.asc', { kind: 'transactions', delta: false, armoured: true }],
    ['M01.TRANSACTIONS.2026.pgp', { kind: 'transactions', delta: false, armoured: false }],
    ['M01_optouts_20261203.csv.pgp', { kind: 'optouts', delta: false, armoured: false }],
    ['M01-OPTOUTS-2026-12.asc', { kind: 'optouts', delta: false, armoured: true }],
    // Only a customers base has deltas: an opt-out list always adds.
    ['optouts-delta.csv.gpg', { kind: 'optouts', delta: false, armoured: false }],
  ])('reads %s', (name, expected) => {
    expect(parseDropFileName(name)).toEqual(expected);
  });

  it.each([
    'customers.csv',
    'clients.csv.pgp',
    'mycustomers.csv.pgp',
    'customers.zip',
    'customers.csv.pgp.part',
    'optouts.csv',
    'myoptouts.csv.pgp',
    'optout.csv.pgp',
  ])('refuses %s', (name) => {
    expect(parseDropFileName(name)).toBeNull();
  });
});
