import { describe, expect, it } from 'vitest';
import { ZRepoussoirEntryInput, ZRepoussoirHashEntry } from './repoussoir.ts';

const HMAC = 'ab'.repeat(32);

describe('ZRepoussoirEntryInput', () => {
  it('defaults to every channel, an operator decision and no reference', () => {
    expect(ZRepoussoirEntryInput.parse({ kind: 'phone', hmac: HMAC })).toEqual({
      kind: 'phone',
      hmac: HMAC,
      scope: 'all',
      source: 'operator',
      sourceReference: null,
    });
  });

  it('keeps a trimmed reference and an explicit scope and source', () => {
    expect(
      ZRepoussoirEntryInput.parse({
        kind: 'postal',
        hmac: HMAC,
        scope: 'postal',
        source: 'subject_request',
        sourceReference: ' DSAR-0001 ',
      }),
    ).toMatchObject({ scope: 'postal', source: 'subject_request', sourceReference: 'DSAR-0001' });
  });

  it('refuses a hash that is not 64 lower-case hex characters, and unknown fields', () => {
    expect(
      ZRepoussoirHashEntry.safeParse({ kind: 'email', hmac: HMAC.toUpperCase() }).success,
    ).toBe(false);
    expect(ZRepoussoirHashEntry.safeParse({ kind: 'email', hmac: 'ab' }).success).toBe(false);
    expect(
      ZRepoussoirEntryInput.safeParse({ kind: 'email', hmac: HMAC, value: 'x@y.invalid' }).success,
    ).toBe(false);
    expect(ZRepoussoirHashEntry.safeParse({ kind: 'fax', hmac: HMAC }).success).toBe(false);
  });
});
