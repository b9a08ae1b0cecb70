import { parseStreetLine } from './parse-street-line.ts';

/**
 * Part 4 of a postal identity (`postalRepoussoirKey`), from an address's street line
 * and locality: the street line's match key when it names a street; else — a lieu-dit
 * or locality-only address, as `addressMatchKey` reads it — the street line's house
 * number (if any) and the locality, read as one street line. So a repoussoir entry or a
 * rights request giving the locality where the street line goes
 * (`LAST|FIRST|POSTCODE|LOCALITY`) keys what the record does. With no locality it is
 * the street line's match key (what part 4 of an entry gives). Null when neither
 * gives a key. SQL mirror: the `postal_place_key` column of the staged customers.
 *
 * @example
 * postalPlaceKey('12 av Victor Hugo', null) // '12 AVENUE VICTOR HUGO'
 * postalPlaceKey(null, 'LD Les Granges')     // 'LIEU DIT LES GRANGES'
 * postalPlaceKey('4 bis', 'Le Bourg')        // '4BIS LE BOURG'
 */
export function postalPlaceKey(street: string | null, locality: string | null): string | null {
  const streetLine = parseStreetLine(street ?? '');
  if (streetLine !== null && streetLine.streetName !== '') return streetLine.matchKey;
  const localityLine = parseStreetLine(locality ?? '');
  if (localityLine === null || localityLine.streetName === '') return streetLine?.matchKey ?? null;
  const houseNumber = `${streetLine?.houseNumber ?? ''} ${streetLine?.numberSuffix ?? ''}`;
  return parseStreetLine(`${houseNumber} ${locality}`)?.matchKey ?? null;
}
