import { describe, expect, it } from 'vitest';
import { hmacSha256Hex } from './hmac-sha256-hex.ts';

describe('hmacSha256Hex', () => {
  it('matches the RFC 4231 test vectors', () => {
    expect(hmacSha256Hex(new Uint8Array(20).fill(0x0b), 'Hi There')).toBe(
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
    expect(hmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('uses a string secret as its UTF-8 bytes and hashes the value as UTF-8', () => {
    expect(hmacSha256Hex('clé', 'zoë@example.invalid')).toBe(
      hmacSha256Hex(new TextEncoder().encode('clé'), 'zoë@example.invalid'),
    );
  });

  it('refuses an empty secret', () => {
    expect(() => hmacSha256Hex('', 'x')).toThrow('HMAC secret is empty');
    expect(() => hmacSha256Hex(new Uint8Array(0), 'x')).toThrow('HMAC secret is empty');
  });
});
