import { z } from 'zod';

/** Plain decimal digits, no sign, exponent, hex prefix, point or space; at most 16 digits. */
const DECIMAL_DIGITS = /^(0|[1-9][0-9]{0,15})$/;

/**
 * A whole number between `min` and `max` written in plain decimal digits: what a query
 * string or a command-line option may hold. `z.coerce.number` would also take `0x10`,
 * `1e2`, ` 5` or `+5`; this refuses them, naming the rule. A number given as such (a
 * caller in code) is read as its decimal text, so `1.5` is refused the same way.
 *
 * @example
 * z.object({ limit: decimalInteger(1, 1000).optional() }).parse({ limit: '50' }); // { limit: 50 }
 */
export function decimalInteger(min: number, max: number) {
  return z.preprocess(
    (value) => (typeof value === 'number' ? String(value) : value),
    z
      .string()
      .regex(DECIMAL_DIGITS, 'must be a whole number in decimal digits')
      .transform(Number)
      .pipe(z.number().int().min(min).max(max)),
  );
}
