import { describe, expect, it } from 'vitest';
import { isUuid } from './is-uuid.ts';

describe('isUuid', () => {
  it('accepts canonical UUIDs in either case', () => {
    expect(isUuid('0b5e2f8a-3c1d-4e6f-9a7b-8c9d0e1f2a3b')).toBe(true);
    expect(isUuid('0B5E2F8A-3C1D-4E6F-9A7B-8C9D0E1F2A3B')).toBe(true);
  });

  it.each([
    '',
    'nope',
    '0b5e2f8a3c1d4e6f9a7b8c9d0e1f2a3b',
    '{0b5e2f8a-3c1d-4e6f-9a7b-8c9d0e1f2a3b}',
    '0b5e2f8a-3c1d-4e6f-9a7b-8c9d0e1f2a3b ',
    "0b5e2f8a-3c1d-4e6f-9a7b-8c9d0e1f2a3'",
  ])('refuses %j, which PostgreSQL would reject or read differently', (value) => {
    expect(isUuid(value)).toBe(false);
  });
});
