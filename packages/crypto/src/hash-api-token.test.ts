import { describe, expect, it } from 'vitest';
import { hashApiToken } from './hash-api-token.ts';

describe('hashApiToken', () => {
  it('is the hex SHA-256 of the whole token', () => {
    // FIPS 180-2 test vector.
    expect(hashApiToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hashApiToken('alg_x')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiToken('alg_x')).not.toBe(hashApiToken('alg_y'));
  });
});
