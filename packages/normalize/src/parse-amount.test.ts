import { describe, expect, it } from 'vitest';
import { parseAmount } from './parse-amount.ts';

const ok = (value: number) => ({ ok: true, value });
const error = (reason: string) => ({ ok: false, reason });

describe('parseAmount with a decimal comma', () => {
  it.each([
    ['12,50', 12.5],
    ['12', 12],
    ['0,99', 0.99],
    ['1 234,50', 1234.5],
    ['1\u00a0234,50', 1234.5],
    ['1\u202f234,50', 1234.5],
    ['1.234,50', 1234.5],
    ['999.999,99', 999_999.99],
    ['-12,50', -12.5],
    ['+12,50', 12.5],
    ['12,50 €', 12.5],
    ['12,50€', 12.5],
    ['12,50 EUR', 12.5],
    ['12,50eur', 12.5],
    [' 1 000 000,00 ', 1_000_000],
    ['12,345', 12.35],
    ['12,344', 12.34],
    ['-0,001', 0],
    ['1234,5', 1234.5],
  ])('reads %j', (raw, expected) => {
    expect(parseAmount(raw, ',')).toEqual(ok(expected));
  });

  it('never returns negative zero', () => {
    const result = parseAmount('-0,00', ',');
    expect(result.ok && Object.is(result.value, 0)).toBe(true);
  });

  it.each([
    '12.50',
    '1,234.50',
    '1.23,50',
    '1 23,50',
    '1 234.567,50',
    '12,',
    ',50',
    'douze',
    '12 euros',
    '€12',
    '1e5',
    '--12',
    '12-',
    '0x10',
  ])('refuses %j', (raw) => {
    expect(parseAmount(raw, ',')).toEqual(error('not a number'));
  });
});

describe('parseAmount with a decimal point', () => {
  it.each([
    ['12.50', 12.5],
    ['1,234.50', 1234.5],
    ['1 234.50', 1234.5],
    ['999,999.99 EUR', 999_999.99],
    ['0.005', 0.01],
    ['-0.005', -0.01],
  ])('reads %j', (raw, expected) => {
    expect(parseAmount(raw, '.')).toEqual(ok(expected));
  });

  it.each(['12,50', '1.234,50', '1,23.50', 'N/A'])('refuses %j', (raw) => {
    expect(parseAmount(raw, '.')).toEqual(error('not a number'));
  });
});

describe('parseAmount', () => {
  it('requires an amount', () => {
    expect(parseAmount('', ',')).toEqual(error('missing amount'));
    expect(parseAmount('  ', '.')).toEqual(error('missing amount'));
  });

  it('refuses more than a million either way', () => {
    expect(parseAmount('1000000,01', ',')).toEqual(error('amount out of range'));
    expect(parseAmount('-1 000 000,01', ',')).toEqual(error('amount out of range'));
    expect(parseAmount('1.234.567', ',')).toEqual(error('amount out of range'));
    expect(parseAmount('-1,234,567.891', '.')).toEqual(error('amount out of range'));
    expect(parseAmount('-1 000 000', ',')).toEqual(ok(-1_000_000));
  });
});
