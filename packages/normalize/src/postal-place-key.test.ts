import { describe, expect, it } from 'vitest';
import { parseStreetLine } from './parse-street-line.ts';
import { postalPlaceKey } from './postal-place-key.ts';

describe('postalPlaceKey', () => {
  it('is the street line’s key when the line names a street, whatever the locality', () => {
    expect(postalPlaceKey('12 av Victor Hugo', null)).toBe('12 AVENUE VICTOR HUGO');
    expect(postalPlaceKey('12 av Victor Hugo', 'Le Bourg')).toBe('12 AVENUE VICTOR HUGO');
  });

  it('reads the locality as the street line when the address has none (lieu-dit)', () => {
    expect(postalPlaceKey(null, 'Le Bourg')).toBe('LE BOURG');
    expect(postalPlaceKey(null, 'LD Les Granges')).toBe('LIEU DIT LES GRANGES');
    expect(postalPlaceKey(' - ', 'La Croix St Jean')).toBe('LA CROIX SAINT JEAN');
  });

  it('puts the house number of a number-only street line before the locality', () => {
    expect(postalPlaceKey('4 bis', 'Le Bourg')).toBe('4BIS LE BOURG');
    expect(postalPlaceKey('4 bis', 'Le Bourg')).toBe(postalPlaceKey('4B Le Bourg', null));
  });

  it('gives what the street line alone gives when the locality adds nothing', () => {
    expect(postalPlaceKey('4 bis', null)).toBe('4BIS');
    expect(postalPlaceKey('4 bis', ' - ')).toBe('4BIS');
    expect(postalPlaceKey(null, null)).toBeNull();
    expect(postalPlaceKey(null, ' - ')).toBeNull();
  });

  it('with no locality, equals the street line’s match key (the form part 4 of an entry takes)', () => {
    for (const line of ['12 av Victor Hugo', 'Le Bourg', '4 bis', '12 RUE', 'LD Les Combes']) {
      expect(postalPlaceKey(line, null), line).toBe(parseStreetLine(line)?.matchKey ?? null);
    }
  });
});
