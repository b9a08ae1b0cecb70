import { describe, expect, it } from 'vitest';
import { checkFileHeader } from './check-file-header.ts';
import { DEFAULT_DIALECT_PROFILE } from './dialect-profile.ts';
import { parseOptoutRow } from './parse-optout-row.ts';

const COLUMNS = ['kind', 'value', 'scope'];

describe('parseOptoutRow', () => {
  it('reads kind and scope in any case and defaults an empty scope to all', () => {
    expect(parseOptoutRow([' Email ', 'Jean@Example.fr', ''], COLUMNS)).toEqual({
      ok: true,
      row: { kind: 'email', value: 'Jean@Example.fr', scope: 'all' },
    });
    expect(parseOptoutRow(['phone', '0612345678', 'SMS'], COLUMNS)).toEqual({
      ok: true,
      row: { kind: 'phone', value: '0612345678', scope: 'sms' },
    });
  });

  it('defaults the scope when the file has no scope column, whatever the column order', () => {
    expect(parseOptoutRow(['DUPONT|JEAN|75016', 'postal'], ['value', 'kind'])).toEqual({
      ok: true,
      row: { kind: 'postal', value: 'DUPONT|JEAN|75016', scope: 'all' },
    });
  });

  it('names the column and the reason of each problem, never the value', () => {
    const result = parseOptoutRow(['fax', 'secret-0145', 'letters'], COLUMNS);
    expect(result).toEqual({
      ok: false,
      issues: [
        { column: 'kind', reason: 'must be one of email, phone, postal' },
        {
          column: 'scope',
          reason: 'must be one of all, postal, email, sms, phone (or empty for all)',
        },
      ],
    });
    expect(JSON.stringify(result)).not.toMatch(/fax|secret|letters/);
    expect(parseOptoutRow(['email', '', ''], COLUMNS)).toEqual({
      ok: false,
      issues: [{ column: 'value', reason: 'is empty' }],
    });
    const long = parseOptoutRow(['email', `${'x'.repeat(400)}@example.fr`, ''], COLUMNS);
    expect(long.ok).toBe(false);
    expect(JSON.stringify(long)).not.toContain('xxxx');
  });
});

describe('checkFileHeader for optouts', () => {
  it('accepts kind;value;scope, type for kind, and no scope column', () => {
    expect(
      checkFileHeader(['\uFEFFkind', 'value', 'scope'], 'optouts', DEFAULT_DIALECT_PROFILE),
    ).toEqual({
      columns: COLUMNS,
      issues: [],
    });
    expect(checkFileHeader(['TYPE', 'Value'], 'optouts', DEFAULT_DIALECT_PROFILE)).toEqual({
      columns: ['kind', 'value'],
      issues: [],
    });
  });

  it('refuses a header without value or with an unknown column', () => {
    expect(checkFileHeader(['kind', 'email'], 'optouts', DEFAULT_DIALECT_PROFILE).issues).toEqual([
      {
        column: 2,
        reason: 'unknown header (expected kind, value, scope; type may stand for kind)',
      },
      { column: null, reason: 'missing required column value' },
    ]);
  });
});
