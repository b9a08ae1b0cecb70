import { describe, expect, it } from 'vitest';
import { parseStreetLine } from './parse-street-line.ts';

function matchKeyOf(raw: string): string | undefined {
  return parseStreetLine(raw)?.matchKey;
}

describe('parseStreetLine', () => {
  it('splits number, type and name', () => {
    expect(parseStreetLine('12 avenue Victor Hugo')).toEqual({
      houseNumber: '12',
      numberSuffix: null,
      streetType: 'AVENUE',
      streetName: 'VICTOR HUGO',
      matchKey: '12 AVENUE VICTOR HUGO',
    });
  });

  it('gives one match key to every spelling of the same address', () => {
    const spellings = [
      '12 AVENUE VICTOR HUGO',
      '12 av Victor-Hugo',
      '12, Avenue Victor Hugo',
      '12 Av. Victor Hugo',
      '12 AVE VICTOR HUGO',
      ' 012  avenue  victor  hugo ',
    ];
    for (const spelling of spellings) expect(matchKeyOf(spelling)).toBe('12 AVENUE VICTOR HUGO');
  });

  it('keeps BIS/TER/QUATER as words, glued or not', () => {
    expect(matchKeyOf('12bis rue de la Paix')).toBe('12BIS RUE DE LA PAIX');
    expect(matchKeyOf('12 BIS rue de la Paix')).toBe('12BIS RUE DE LA PAIX');
    expect(parseStreetLine('12 TER rue de la Paix')?.numberSuffix).toBe('TER');
    expect(parseStreetLine('12 quater bd Voltaire')?.numberSuffix).toBe('QUATER');
  });

  it('reads B, T and Q as La Poste abbreviations of BIS, TER and QUATER, glued or not', () => {
    expect(parseStreetLine('3B rue des Lilas')).toMatchObject({
      houseNumber: '3',
      numberSuffix: 'BIS',
      streetType: 'RUE',
    });
    expect(matchKeyOf('12 B rue des Lilas')).toBe(matchKeyOf('12B rue des Lilas'));
    expect(matchKeyOf('12 B rue des Lilas')).toBe(matchKeyOf('12 BIS rue des Lilas'));
    expect(matchKeyOf('4T rue des Lilas')).toBe(matchKeyOf('4 ter rue des Lilas'));
  });

  it('keeps other letter suffixes as letters', () => {
    expect(parseStreetLine('3A rue des Lilas')).toMatchObject({
      houseNumber: '3',
      numberSuffix: 'A',
    });
    expect(matchKeyOf('12 C rue des Lilas')).toBe(matchKeyOf('12C rue des Lilas'));
    expect(matchKeyOf('12 C rue des Lilas')).not.toBe(matchKeyOf('12 rue des Lilas'));
  });

  it('keeps the first number of a range', () => {
    expect(matchKeyOf('12-14 rue du Moulin')).toBe('12 RUE DU MOULIN');
    expect(matchKeyOf('12/14 rue du Moulin')).toBe('12 RUE DU MOULIN');
    expect(matchKeyOf('12 à 14 rue du Moulin')).toBe('12 RUE DU MOULIN');
  });

  it('reads a lone R as RUE, and articles stay in the name', () => {
    expect(matchKeyOf('12 R DE LA REPUBLIQUE')).toBe('12 RUE DE LA REPUBLIQUE');
    expect(matchKeyOf('12 rue de la République')).toBe('12 RUE DE LA REPUBLIQUE');
    expect(parseStreetLine('12 R RUE DE LA PAIX')?.numberSuffix).toBe('R');
  });

  it('does not take the article of `7 L’ESPLANADE` for a suffix', () => {
    expect(parseStreetLine("7 L'Esplanade")).toMatchObject({
      houseNumber: '7',
      numberSuffix: null,
      streetName: 'L ESPLANADE',
    });
  });

  it('recognises street types in either spelling', () => {
    expect(parseStreetLine('5 bd Gambetta')?.streetType).toBe('BOULEVARD');
    expect(parseStreetLine('5 chem. des Vignes')?.streetType).toBe('CHEMIN');
    expect(parseStreetLine('5 all. des Tilleuls')?.streetType).toBe('ALLEE');
    expect(parseStreetLine('5 imp du Moulin')?.streetType).toBe('IMPASSE');
    expect(parseStreetLine('5 rd-pt de l’Europe')?.streetType).toBe('ROND POINT');
    expect(parseStreetLine('5 Fbg Saint-Honoré')?.matchKey).toBe('5 FAUBOURG SAINT HONORE');
    expect(parseStreetLine('12AV FOCH')?.matchKey).toBe('12 AVENUE FOCH');
  });

  it('expands SAINT/SAINTE and the usual word abbreviations of names', () => {
    expect(matchKeyOf('3 imp. St-Jean')).toBe('3 IMPASSE SAINT JEAN');
    expect(matchKeyOf('3 rue Ste-Anne')).toBe('3 RUE SAINTE ANNE');
    expect(matchKeyOf('12 av. du Gal de Gaulle')).toBe('12 AVENUE DU GENERAL DE GAULLE');
    expect(matchKeyOf('12 av du Gén. de Gaulle')).toBe('12 AVENUE DU GENERAL DE GAULLE');
    expect(matchKeyOf('1 pl du Mal Foch')).toBe('1 PLACE DU MARECHAL FOCH');
    expect(matchKeyOf('3 rue du Dr Roux')).toBe('3 RUE DU DOCTEUR ROUX');
    expect(matchKeyOf('3 rue ND des Champs')).toBe('3 RUE NOTRE DAME DES CHAMPS');
  });

  it('handles a line without number, a lieu-dit and a number marker', () => {
    expect(parseStreetLine('Le Bourg')).toEqual({
      houseNumber: null,
      numberSuffix: null,
      streetType: null,
      streetName: 'LE BOURG',
      matchKey: 'LE BOURG',
    });
    expect(parseStreetLine('LD Les Vignes')).toMatchObject({
      streetType: 'LIEU DIT',
      streetName: 'LES VIGNES',
    });
    expect(matchKeyOf('Lieu-dit Les Vignes')).toBe(matchKeyOf('LD LES VIGNES'));
    expect(matchKeyOf('N° 5 ch. de la Croix')).toBe('5 CHEMIN DE LA CROIX');
  });

  it('returns null for a blank line', () => {
    expect(parseStreetLine('')).toBeNull();
    expect(parseStreetLine('  ,  ')).toBeNull();
  });
});
