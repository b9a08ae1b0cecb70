import { describe, expect, it } from 'vitest';
import { loadCommuneIndex, postcodePrefix } from './commune-index.ts';

describe('postcodePrefix', () => {
  it('uses two digits in metropolitan France and three overseas', () => {
    expect(postcodePrefix('42000')).toBe('42');
    expect(postcodePrefix('20000')).toBe('20');
    expect(postcodePrefix('97400')).toBe('974');
    expect(postcodePrefix('98800')).toBe('988');
  });
});

describe('loadCommuneIndex', () => {
  const index = loadCommuneIndex();

  it('is built once and kept', () => {
    expect(loadCommuneIndex()).toBe(index);
  });

  it('maps a postcode prefix to the départements that use it', () => {
    expect([...(index.departementsByPostcodePrefix.get('20') ?? [])].sort()).toEqual(['2A', '2B']);
    expect(index.departementsByPostcodePrefix.get('974')).toEqual(['974']);
    // Saint-Barthélemy (977) and Saint-Martin (978) use Guadeloupe's 971xx codes.
    expect([...(index.departementsByPostcodePrefix.get('971') ?? [])].sort()).toEqual([
      '971',
      '977',
      '978',
    ]);
  });

  it('lists a postcode’s communes and arrondissements', () => {
    const codes = index.byPostcode.get('75015')?.map((entry) => entry.commune.inseeCode);
    expect(codes?.sort()).toEqual(['75056', '75115']);
    expect(index.arrondissementsByCommune.get('69123')?.get(3)?.commune.inseeCode).toBe('69383');
    expect(index.arrondissementsByCommune.get('13055')?.size).toBe(16);
  });

  it('indexes former communes under the commune nouvelle they joined', () => {
    expect(
      index.byFormerName.get('ANNECYLEVIEUX')?.map((entry) => entry.commune.inseeCode),
    ).toEqual(['74010']);
  });
});
