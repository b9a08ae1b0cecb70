import { describe, expect, it } from 'vitest';
import { expandStreetNameWords, STREET_NAME_ABBREVIATIONS } from './street-name-words.ts';

describe('expandStreetNameWords', () => {
  it('expands the unambiguous abbreviations anywhere', () => {
    expect(expandStreetNameWords(['ST', 'JEAN'])).toEqual(['SAINT', 'JEAN']);
    expect(expandStreetNameWords(['STE', 'ANNE'])).toEqual(['SAINTE', 'ANNE']);
    expect(expandStreetNameWords(['ND', 'DES', 'CHAMPS'])).toEqual([
      'NOTRE',
      'DAME',
      'DES',
      'CHAMPS',
    ]);
    expect(expandStreetNameWords(['DU', 'GEN', 'LECLERC'])).toEqual(['DU', 'GENERAL', 'LECLERC']);
    expect(expandStreetNameWords(['DU', 'DR', 'ROUX'])).toEqual(['DU', 'DOCTEUR', 'ROUX']);
  });

  it('expands GAL, MAL and PR only after DU', () => {
    expect(expandStreetNameWords(['DU', 'GAL', 'DE', 'GAULLE'])).toEqual([
      'DU',
      'GENERAL',
      'DE',
      'GAULLE',
    ]);
    expect(expandStreetNameWords(['DU', 'MAL', 'JOFFRE'])).toEqual(['DU', 'MARECHAL', 'JOFFRE']);
    expect(expandStreetNameWords(['MICHEL', 'GAL'])).toEqual(['MICHEL', 'GAL']);
  });

  it('never reads COL as colonel (a mountain pass)', () => {
    expect(expandStreetNameWords(['DU', 'COL', 'DU', 'GALIBIER'])).toEqual([
      'DU',
      'COL',
      'DU',
      'GALIBIER',
    ]);
  });

  it('abbreviates only to spellings it expands back', () => {
    for (const [full, abbreviation] of STREET_NAME_ABBREVIATIONS) {
      expect(expandStreetNameWords(['DU', abbreviation]).join(' ')).toBe(`DU ${full}`);
    }
  });
});
