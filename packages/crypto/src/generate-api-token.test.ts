import { describe, expect, it } from 'vitest';
import { generateApiToken } from './generate-api-token.ts';
import { hashApiToken } from './hash-api-token.ts';

describe('generateApiToken', () => {
  it("is 'alg_' + 43 base64url characters (32 bytes), with its hash", () => {
    const { token, tokenHash } = generateApiToken();
    expect(token).toMatch(/^alg_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    expect(tokenHash).toBe(hashApiToken(token));
  });

  it('never repeats', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateApiToken().token));
    expect(tokens.size).toBe(1000);
  });
});
