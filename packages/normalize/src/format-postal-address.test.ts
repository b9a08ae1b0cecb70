import { describe, expect, it } from 'vitest';
import {
  addressLineLength,
  formatPostalAddress,
  type TPostalAddressInput,
} from './format-postal-address.ts';
import { parseStreetLine } from './parse-street-line.ts';

const EMPTY: TPostalAddressInput = {
  civility: null,
  firstName: null,
  lastName: null,
  complement: null,
  building: null,
  street: null,
  locality: null,
  postcode: null,
  city: null,
};

describe('formatPostalAddress', () => {
  it('lays out a simple address with the full street type', () => {
    expect(
      formatPostalAddress({
        ...EMPTY,
        civility: 'M',
        firstName: 'Jean',
        lastName: 'Dupont',
        street: parseStreetLine('12 av Victor-Hugo'),
        postcode: '75016',
        city: 'Paris',
      }),
    ).toEqual(['M JEAN DUPONT', '12 AVENUE VICTOR HUGO', '75016 PARIS']);
  });

  it('fills the six lines in NF Z10-011 order, upper case and unaccented', () => {
    expect(
      formatPostalAddress({
        civility: 'MME',
        firstName: 'Élodie-Marie',
        lastName: 'd’Arc',
        complement: 'Appt 12, 3e étage',
        building: 'Bât. A – Résidence Les Pins',
        street: parseStreetLine('12 bis rue de l’Église'),
        locality: 'Lieu-dit Les Vignes',
        postcode: '1000',
        city: 'Bourg-en-Bresse',
      }),
    ).toEqual([
      "MME ELODIE-MARIE D'ARC",
      'APPT 12 3E ETAGE',
      'BAT A RESIDENCE LES PINS',
      '12 BIS RUE DE L EGLISE',
      'LIEU DIT LES VIGNES',
      '01000 BOURG EN BRESSE',
    ]);
  });

  it('keeps CEDEX on the last line and writes Corsica and overseas postcodes as they are', () => {
    const last = (postcode: string, city: string) =>
      formatPostalAddress({ ...EMPTY, postcode, city }).at(-1);
    expect(last('42029', 'Saint-Étienne Cedex 1')).toBe('42029 SAINT ETIENNE CEDEX 1');
    expect(last('20000', 'Ajaccio')).toBe('20000 AJACCIO');
    expect(last('97200', 'Fort-de-France')).toBe('97200 FORT DE FRANCE');
  });

  it('abbreviates the street type only when the line is longer than 38', () => {
    const fits = formatPostalAddress({
      ...EMPTY,
      street: parseStreetLine('12 bd des Fleurs'),
    });
    expect(fits).toEqual(['12 BOULEVARD DES FLEURS']);
    const long = formatPostalAddress({
      ...EMPTY,
      street: parseStreetLine('128 boulevard de la Libération Nationale'),
    });
    expect(long).toEqual(['128 BD DE LA LIBERATION NATIONALE']);
  });

  it('then abbreviates the words of the name, and cuts what still does not fit', () => {
    const [line] = formatPostalAddress({
      ...EMPTY,
      street: parseStreetLine('8 boulevard du Général Leclerc de Hauteclocque'),
    });
    // 8 BD DU GENERAL LECLERC DE HAUTECLOCQUE is still 39 characters.
    expect(line).toBe('8 BD DU GEN LECLERC DE HAUTECLOCQUE');
    expect(line!.length).toBeLessThanOrEqual(addressLineLength);

    const [cut] = formatPostalAddress({
      ...EMPTY,
      street: parseStreetLine(
        '3 bis boulevard du Maréchal de Lattre de Tassigny et des Combattants',
      ),
    });
    // Cut at 38 characters, then the trailing space dropped.
    expect(cut).toBe('3 BIS BD DU MAL DE LATTRE DE TASSIGNY');

    const [hardCut] = formatPostalAddress({
      ...EMPTY,
      street: parseStreetLine('1 chemin des Grandes Terres Hautes du Montagnard'),
    });
    expect(hardCut).toBe('1 CHE DES GRANDES TERRES HAUTES DU MON');
    expect(hardCut!.length).toBe(addressLineLength);
  });

  it('reads back an abbreviated line to the same match key', () => {
    const street = parseStreetLine('8 boulevard du Général Leclerc de Hauteclocque');
    const [line] = formatPostalAddress({ ...EMPTY, street });
    expect(parseStreetLine(line!)?.matchKey).toBe(street?.matchKey);
  });

  it('shortens a long city with ST, and a long recipient with the first initial', () => {
    const lines = formatPostalAddress({
      ...EMPTY,
      civility: 'MME',
      firstName: 'Marie-Geneviève-Bernadette',
      lastName: 'de la Tour-Dupont',
      postcode: '52200',
      city: 'Saint-Martin-lès-Langres Saint-Geosmes',
    });
    expect(lines).toEqual(['MME M DE LA TOUR-DUPONT', '52200 ST MARTIN LES LANGRES ST GEOSMES']);
  });

  it('leaves out empty lines and never writes more than 38 characters', () => {
    const lines = formatPostalAddress({
      ...EMPTY,
      lastName: 'X'.repeat(50),
      complement: '   ',
      locality: 'Y'.repeat(45),
    });
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(addressLineLength);
    expect(formatPostalAddress(EMPTY)).toEqual([]);
  });
});
