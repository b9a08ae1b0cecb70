import { describe, expect, it } from 'vitest';
import { cityNameKey } from './city-name-key.ts';

describe('cityNameKey', () => {
  it('ignores accents, case, punctuation and spaces', () => {
    expect(cityNameKey("L'Haÿ-les-Roses").compact).toBe('LHAYLESROSES');
    expect(cityNameKey('LHAY LES ROSES').compact).toBe('LHAYLESROSES');
  });

  it('expands ST and STE', () => {
    expect(cityNameKey('St-Etienne').compact).toBe('SAINTETIENNE');
    expect(cityNameKey('STE MAXIME').compact).toBe('SAINTEMAXIME');
  });

  it('drops a trailing CEDEX with or without its number, and a leading postcode', () => {
    expect(cityNameKey('Saint-Étienne Cedex 1').compact).toBe('SAINTETIENNE');
    expect(cityNameKey('NANTES CEDEX').compact).toBe('NANTES');
    expect(cityNameKey('75015 PARIS').compact).toBe('PARIS');
  });

  it('reads the arrondissement number of Paris, Lyon and Marseille', () => {
    expect(cityNameKey('PARIS 15')).toMatchObject({ compact: 'PARIS', arrondissementNumber: 15 });
    expect(cityNameKey('Paris 15ème')).toMatchObject({ arrondissementNumber: 15 });
    expect(cityNameKey('PARIS 1ER ARRONDISSEMENT')).toMatchObject({ arrondissementNumber: 1 });
    expect(cityNameKey('LYON 3E')).toMatchObject({ compact: 'LYON', arrondissementNumber: 3 });
    expect(cityNameKey('MARSEILLE 08')).toMatchObject({ arrondissementNumber: 8 });
    expect(cityNameKey('PARIS CEDEX 15')).toMatchObject({ arrondissementNumber: null });
  });

  it('puts back an article moved to the end, and offers a key without it', () => {
    expect(cityNameKey('HAVRE (LE)').compact).toBe('LEHAVRE');
    expect(cityNameKey('Le Havre').compactWithoutArticle).toBe('HAVRE');
  });
});
