import { describe, expect, it } from 'vitest';
import { foldText } from './fold-text.ts';

describe('foldText', () => {
  it('removes accents, upper-cases and turns punctuation into single spaces', () => {
    expect(foldText('  Élodie-Marie d’Arc ')).toBe('ELODIE MARIE D ARC');
    expect(foldText('Hélène Lefèvre-Pontalis')).toBe('HELENE LEFEVRE PONTALIS');
    expect(foldText('Noël, Anaïs & Françoise')).toBe('NOEL ANAIS FRANCOISE');
    expect(foldText("L'Haÿ-les-Roses")).toBe('L HAY LES ROSES');
  });

  it('spells ligatures and stroked letters out', () => {
    expect(foldText('Lætitia Œuvray')).toBe('LAETITIA OEUVRAY');
    expect(foldText('cœur')).toBe('COEUR');
    expect(foldText('Strauß')).toBe('STRAUSS');
    expect(foldText('Ødegaard Łukasz Đorđe')).toBe('ODEGAARD LUKASZ DORDE');
  });

  it('treats every apostrophe, hyphen, dot, comma and slash alike', () => {
    for (const raw of [
      "N'Diaye",
      'N’Diaye',
      'N`Diaye',
      'N-Diaye',
      'N.Diaye',
      'N,Diaye',
      'N/Diaye',
    ]) {
      expect(foldText(raw)).toBe('N DIAYE');
    }
  });

  it('keeps digits and collapses runs of spaces, tabs and no-break spaces', () => {
    expect(foldText('12\u00a0bis,\t rue  du 8-Mai-1945')).toBe('12 BIS RUE DU 8 MAI 1945');
    expect(foldText('  \u202f ')).toBe('');
  });

  it('is idempotent', () => {
    const folded = foldText('Saint-Étienne-du-Rouvray');
    expect(foldText(folded)).toBe(folded);
  });
});
