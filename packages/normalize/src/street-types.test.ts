import { describe, expect, it } from 'vitest';
import { abbreviateStreetType, canonicalStreetType, streetTypeAt } from './street-types.ts';

describe('canonicalStreetType', () => {
  it.each([
    ['AV', 'AVENUE'],
    ['Av.', 'AVENUE'],
    ['avenue', 'AVENUE'],
    ['BD', 'BOULEVARD'],
    ['Bld', 'BOULEVARD'],
    ['CHE', 'CHEMIN'],
    ['CHEM', 'CHEMIN'],
    ['CH', 'CHEMIN'],
    ['ALL', 'ALLEE'],
    ['Allée', 'ALLEE'],
    ['IMP', 'IMPASSE'],
    ['FG', 'FAUBOURG'],
    ['LD', 'LIEU DIT'],
    ['Lieu-dit', 'LIEU DIT'],
    ['RPT', 'ROND POINT'],
    ['rond-point', 'ROND POINT'],
    ['R', 'RUE'],
    ['RUE', 'RUE'],
    ['RTE', 'ROUTE'],
    ['PL', 'PLACE'],
    ['SQ', 'SQUARE'],
    ['GAL', 'GALERIE'],
    ['ZI', 'ZONE INDUSTRIELLE'],
    ['ZA', 'ZONE ARTISANALE'],
    ['Résidence', 'RESIDENCE'],
    ['MTE', 'MONTEE'],
    ['PRV', 'PARVIS'],
  ])('reads %s as %s', (spelling, full) => {
    expect(canonicalStreetType(spelling)).toBe(full);
  });

  it('returns null for a word that is not a street type', () => {
    expect(canonicalStreetType('VICTOR')).toBeNull();
    expect(canonicalStreetType('BOURG')).toBeNull();
    expect(canonicalStreetType('')).toBeNull();
  });
});

describe('abbreviateStreetType', () => {
  it('gives the La Poste abbreviation from any spelling', () => {
    expect(abbreviateStreetType('BOULEVARD')).toBe('BD');
    expect(abbreviateStreetType('AVENUE')).toBe('AV');
    expect(abbreviateStreetType('CHEM')).toBe('CHE');
    expect(abbreviateStreetType('LIEU DIT')).toBe('LD');
    expect(abbreviateStreetType('ROND POINT')).toBe('RPT');
    expect(abbreviateStreetType('ZONE D ACTIVITES')).toBe('ZA');
  });

  it('keeps types that have no shorter form, and unknown words', () => {
    expect(abbreviateStreetType('RUE')).toBe('RUE');
    expect(abbreviateStreetType('QUAI')).toBe('QUAI');
    expect(abbreviateStreetType('VICTOR')).toBe('VICTOR');
  });
});

describe('streetTypeAt', () => {
  it('prefers the longest spelling', () => {
    expect(streetTypeAt(['RD', 'PT', 'DE', 'L', 'EUROPE'], 0)).toEqual({
      full: 'ROND POINT',
      wordCount: 2,
    });
    expect(streetTypeAt(['RD', '12'], 0)).toEqual({ full: 'ROUTE DEPARTEMENTALE', wordCount: 1 });
    expect(streetTypeAt(['ZONE', 'INDUSTRIELLE', 'NORD'], 0)).toEqual({
      full: 'ZONE INDUSTRIELLE',
      wordCount: 2,
    });
  });

  it('returns null past the end or on a plain word', () => {
    expect(streetTypeAt(['12'], 1)).toBeNull();
    expect(streetTypeAt(['LE', 'BOURG'], 0)).toBeNull();
  });
});
