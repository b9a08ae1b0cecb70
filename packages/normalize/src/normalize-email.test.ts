import { describe, expect, it } from 'vitest';
import { EMAIL_SYNTAX, normalizeEmail } from './normalize-email.ts';

const VALID = [
  'marie.dupont@exemple.fr',
  "o'connor@exemple.ie",
  'jean-pierre.le-gall+promo@mail.exemple.fr',
  'j_p%service@sous.domaine.exemple.com',
  'a@b.co',
  '1234@99.exemple.re',
  'contact@mairie-saint-denis.re',
  `${'x'.repeat(64)}@exemple.fr`,
  `a@${'b'.repeat(63)}.fr`,
];

const INVALID = [
  'marie.dupont',
  'marie@',
  '@exemple.fr',
  'marie@@exemple.fr',
  'marie@dupont@exemple.fr',
  '.marie@exemple.fr',
  'marie.@exemple.fr',
  'marie..dupont@exemple.fr',
  'marie dupont@exemple.fr',
  'hélène@exemple.fr',
  'marie@exemple',
  'marie@exemple.f',
  'marie@exemple.fr2',
  'marie@-exemple.fr',
  'marie@exemple-.fr',
  'marie@exemple..fr',
  'marie@.exemple.fr',
  'marie@exe_mple.fr',
  'marie@[192.168.0.1]',
  '"marie"@exemple.fr',
  'marie@exemple.fr.',
  '<marie@exemple.fr>',
  'mailto:marie@exemple.fr',
  `${'x'.repeat(65)}@exemple.fr`,
  `a@${'b'.repeat(64)}.fr`,
  `${'x'.repeat(60)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(63)}.fr`, // 256 characters
];

describe('normalizeEmail', () => {
  it('returns null for a blank email', () => {
    expect(normalizeEmail('')).toEqual({ ok: true, value: null });
    expect(normalizeEmail(' \t ')).toEqual({ ok: true, value: null });
  });

  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Marie.Dupont@Exemple.FR ')).toEqual({
      ok: true,
      value: 'marie.dupont@exemple.fr',
    });
  });

  it.each(VALID)('accepts %s', (email) => {
    expect(normalizeEmail(email)).toEqual({ ok: true, value: email });
  });

  it.each(INVALID)('refuses %s without quoting it', (email) => {
    expect(normalizeEmail(email)).toEqual({ ok: false, reason: 'not a valid email address' });
  });

  it('gives the same verdict with EMAIL_SYNTAX and the length rules alone, as SQL does', () => {
    const samples = [...VALID, ...INVALID, ...VALID.map((email) => email.toUpperCase())];
    for (const raw of samples) {
      const email = raw.trim().toLowerCase();
      const sqlVerdict =
        email.length <= 254 && email.split('@')[0]!.length <= 64 && EMAIL_SYNTAX.test(email);
      expect(normalizeEmail(raw).ok, raw).toBe(sqlVerdict);
    }
  });

  it('uses no regex feature RE2 lacks', () => {
    expect(EMAIL_SYNTAX.source).not.toMatch(/\(\?<?[=!]|\\[1-9]|\\k</);
    expect(EMAIL_SYNTAX.flags).toBe('');
  });
});
