import { describe, expect, it } from 'vitest';
import { generateApiToken } from './generate-api-token.ts';
import { verifyApiToken } from './verify-api-token.ts';

describe('verifyApiToken', () => {
  it('accepts the token that made the hash, and no other', () => {
    const { token, tokenHash } = generateApiToken();
    expect(verifyApiToken(token, tokenHash)).toBe(true);
    expect(verifyApiToken(generateApiToken().token, tokenHash)).toBe(false);
    const lastChar = token.endsWith('A') ? 'B' : 'A';
    expect(verifyApiToken(`${token.slice(0, -1)}${lastChar}`, tokenHash)).toBe(false);
  });

  it('is false, not an error, for malformed tokens or hashes', () => {
    const { token, tokenHash } = generateApiToken();
    expect(verifyApiToken('', tokenHash)).toBe(false);
    expect(verifyApiToken(token.slice(4), tokenHash)).toBe(false);
    expect(verifyApiToken(`${token}x`, tokenHash)).toBe(false);
    expect(verifyApiToken(token, tokenHash.toUpperCase())).toBe(false);
    expect(verifyApiToken(token, tokenHash.slice(2))).toBe(false);
  });
});
