import { describe, expect, it } from 'vitest';
import { parseOptin } from './parse-optin.ts';

describe('parseOptin', () => {
  it('treats a missing column or a blank cell as no consent', () => {
    expect(parseOptin(undefined)).toEqual({ ok: true, value: false });
    expect(parseOptin('')).toEqual({ ok: true, value: false });
    expect(parseOptin('  ')).toEqual({ ok: true, value: false });
  });

  it.each([
    '1',
    'true',
    'TRUE',
    'oui',
    'Oui',
    'OUI',
    'o',
    'O',
    'yes',
    'Y',
    'vrai',
    'Vrai',
    'x',
    'X',
    ' oui ',
  ])('reads %j as consent', (raw) => {
    expect(parseOptin(raw)).toEqual({ ok: true, value: true });
  });

  it.each(['0', 'false', 'False', 'non', 'NON', 'n', 'N', 'no', 'faux', 'FAUX', ' 0 '])(
    'reads %j as refusal',
    (raw) => {
      expect(parseOptin(raw)).toEqual({ ok: true, value: false });
    },
  );

  it.each(['2', 'peut-être', 'ouiii', '-1', 'vrai/faux', 'on'])('refuses %j', (raw) => {
    expect(parseOptin(raw)).toEqual({
      ok: false,
      reason: 'expected yes/no (1/0, oui/non, true/false)',
    });
  });
});
