import { describe, expect, it } from 'vitest';
import { mapCivility } from './map-civility.ts';

describe('mapCivility', () => {
  it('returns null for a blank civility', () => {
    expect(mapCivility('')).toEqual({ ok: true, value: null });
    expect(mapCivility('  ')).toEqual({ ok: true, value: null });
  });

  it.each(['M', 'M.', 'm', 'MR', 'Mr.', 'mr', 'MONSIEUR', 'Monsieur', ' monsieur ', 'M R'])(
    'reads %j as M',
    (raw) => {
      expect(mapCivility(raw)).toEqual({ ok: true, value: 'M' });
    },
  );

  it.each([
    'MME',
    'Mme.',
    'mme',
    'MADAME',
    'Madame',
    'MLLE',
    'Mlle',
    'Mlle.',
    'MELLE',
    'MADEMOISELLE',
    'Mademoiselle',
    'Mâdame',
  ])('reads %j as MME', (raw) => {
    expect(mapCivility(raw)).toEqual({ ok: true, value: 'MME' });
  });

  it.each(['Dr', 'Maître', 'M. et Mme', 'Mx', '1', 'MMES'])('refuses %j', (raw) => {
    expect(mapCivility(raw)).toEqual({ ok: false, reason: 'unknown civility' });
  });
});
