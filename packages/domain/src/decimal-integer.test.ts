import { describe, expect, it } from 'vitest';
import { decimalInteger } from './decimal-integer.ts';

describe('decimalInteger', () => {
  const schema = decimalInteger(1, 1000);

  it('reads plain decimal digits and whole numbers within the bounds', () => {
    expect(schema.parse('1')).toBe(1);
    expect(schema.parse('1000')).toBe(1000);
    expect(schema.parse(42)).toBe(42);
  });

  it.each(['0x10', '1e2', ' 5', '5 ', '+5', '-1', '1.0', '', '05', 1.5, 1e21, Number.NaN])(
    'refuses %j',
    (value) => {
      expect(schema.safeParse(value).success).toBe(false);
    },
  );

  it('refuses a value out of bounds', () => {
    expect(schema.safeParse('0').success).toBe(false);
    expect(schema.safeParse('1001').success).toBe(false);
  });
});
