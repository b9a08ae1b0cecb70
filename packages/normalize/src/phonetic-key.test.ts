import { describe, expect, it } from 'vitest';
import { phoneticKey } from './phonetic-key.ts';

// Base-22 float of steps 17–18 of Phonex, to compare with the published reference value.
function phonexFloat(code: string): number {
  const alphabet = '12345EFGHIKLNORSTUWXYZ';
  let value = 0;
  let position = 1;
  for (const symbol of code) {
    value += alphabet.indexOf(symbol) * 22 ** -position;
    position += 1;
  }
  return value;
}

describe('phoneticKey', () => {
  it('matches the published Phonex reference value', () => {
    // Reference from Christian Pennaforte's port of Brouard's Phonex.
    expect(phoneticKey('PHYLAURHEIMSMET')).toBe('FILOR4SNY');
    expect(phonexFloat(phoneticKey('PHYLAURHEIMSMET'))).toBe(0.29241361598339205);
  });

  it.each([
    ['DUPONT', 'DUPOND'],
    ['LEFEBVRE', 'LEFEVRE'],
    ['MARTIN', 'MARTAIN'],
    ['GAUTHIER', 'GAUTIER'],
    ['THOMAS', 'TOMAS'],
    ['MOREAU', 'MOREAUX'],
    ['MOREAU', 'MORO'],
    ['ROUSSEAU', 'ROUSSO'],
    ['BERNARD', 'BERNART'],
    ['PETIT', 'PETITT'],
    ['MERCIER', 'MERSIER'],
    ['BLANC', 'BLANQ'],
    ['CHEVALIER', 'CHEVALLIER'],
    ['GUERIN', 'GUERRIN'],
    ['HENRY', 'HENRI'],
    ['MATHIEU', 'MATTHIEU'],
    ['CLEMENT', 'KLEMENT'],
    ['LAMBERT', 'LAMBER'],
    ['FAURE', 'FORE'],
    ['SCHMITT', 'SCHMIDT'],
    ['PHILIPPE', 'FILIPE'],
    ['CATHERINE', 'KATHERINE'],
    ['STEPHANE', 'STEFANE'],
    ['CEDRIC', 'SEDRIC'],
    ['QUENTIN', 'KANTIN'],
    ['FRANCK', 'FRANK'],
    ['RENAUD', 'RENO'],
    ['ARNAUD', 'ARNO'],
  ])('gives %s and %s the same key', (first, second) => {
    expect(phoneticKey(first)).toBe(phoneticKey(second));
  });

  it.each([
    ['MARTIN', 'MARTINEZ'],
    ['MARTIN', 'MARTINE'],
    ['DUBOIS', 'DUPUIS'],
    ['GIRARD', 'GIRAUD'],
    ['BONNET', 'BONNEAU'],
    ['LEROY', 'LEROUX'],
    ['FRANCOIS', 'FRANCAIS'],
  ])('keeps %s and %s apart', (first, second) => {
    expect(phoneticKey(first)).not.toBe(phoneticKey(second));
  });

  it('reads nasal sounds at the end of a name', () => {
    expect(phoneticKey('MARTIN')).toBe('NORT4');
    expect(phoneticKey('DUPONT')).toBe('TUT1');
    expect(phoneticKey('LAURENT')).toBe(phoneticKey('LORAN'));
  });

  it('documents what Phonex does not join', () => {
    // Folding turns Ç into a hard C, so FRANCOIS keeps a K sound that FRANSOIS lacks;
    // such pairs are left to the string similarity that follows blocking.
    expect(phoneticKey('FRANCOIS')).not.toBe(phoneticKey('FRANSOIS'));
    expect(phoneticKey('LEFEBURE')).not.toBe(phoneticKey('LEFEBVRE'));
  });

  it('ignores anything that is not a letter and returns an empty key for none', () => {
    expect(phoneticKey('LOUIS14')).toBe(phoneticKey('LOUIS'));
    expect(phoneticKey('')).toBe('');
  });
});
