import { describe, expect, it } from 'vitest';
import { isSafeUploadName } from './is-safe-upload-name.ts';

describe('isSafeUploadName', () => {
  it.each(['customers_2026-03.csv.pgp', 'T1.asc', 'a', `a${'b'.repeat(127)}`])(
    'accepts %j',
    (name) => {
      expect(isSafeUploadName(name)).toBe(true);
    },
  );

  it.each([
    '',
    '.hidden.pgp',
    '-rf',
    '_x',
    'a b.pgp',
    'é.pgp',
    'a/b',
    'a\\b',
    'a..b',
    'a\u0000b',
    `a${'b'.repeat(128)}`,
  ])('refuses %j', (name) => {
    expect(isSafeUploadName(name)).toBe(false);
  });
});
