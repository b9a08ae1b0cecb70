import { describe, expect, it } from 'vitest';
import { generateSecret } from './generate-secret.ts';

describe('generateSecret', () => {
  it('is base64url of 32 random bytes by default', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
  });

  it('takes a length in bytes', () => {
    expect(Buffer.from(generateSecret(64), 'base64url')).toHaveLength(64);
  });

  it('refuses lengths that are too short, too long or not whole', () => {
    for (const bytes of [0, 8, 15, 1025, 16.5, Number.NaN]) {
      expect(() => generateSecret(bytes), String(bytes)).toThrow(
        /secret length must be an integer/,
      );
    }
  });
});
