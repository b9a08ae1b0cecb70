import type { TExtractedPerson } from '@alliage/warehouse';
import { describe, expect, it } from 'vitest';
import { toDeliveryRow } from './to-delivery-row.ts';

// Synthetic person, as a member spelled its city.
const person: TExtractedPerson = {
  personId: 1,
  householdId: null,
  sourceMemberCode: 'M01',
  civility: 'MME',
  firstName: 'Hélène',
  lastName: 'Dupré',
  complement: null,
  building: null,
  street: {
    houseNumber: '12',
    numberSuffix: null,
    streetType: 'RUE',
    streetName: 'DE LA PAIX',
    matchKey: 'RUE DE LA PAIX',
  },
  locality: null,
  postcode: '42000',
  city: 'Saint-Étienne',
  email: null,
  phone: null,
} as TExtractedPerson;

describe('toDeliveryRow', () => {
  it("writes the city as the address block's last line does, as seeds do, not as the member spelled it", () => {
    const row = toDeliveryRow(person, 'postal');
    expect(row.city).toBe('SAINT ETIENNE');
    expect(row.addressLines.filter(Boolean).at(-1)).toBe('42000 SAINT ETIENNE');
    expect(toDeliveryRow(person, 'email').city).toBeNull();
  });
});
