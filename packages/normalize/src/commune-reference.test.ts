import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  communeReferenceVersion,
  digestCommuneReference,
  listCommuneReference,
  PINNED_COMMUNE_REFERENCE,
  populationClass,
} from './commune-reference.ts';
import { resolveCommune } from './resolve-commune.ts';

describe('populationClass', () => {
  it('cuts at 2,000, 20,000 and 200,000 inhabitants', () => {
    expect(populationClass(0)).toBe('rural');
    expect(populationClass(1_999)).toBe('rural');
    expect(populationClass(2_000)).toBe('small_town');
    expect(populationClass(19_999)).toBe('small_town');
    expect(populationClass(20_000)).toBe('urban');
    expect(populationClass(199_999)).toBe('urban');
    expect(populationClass(200_000)).toBe('large_city');
    expect(populationClass(null)).toBeNull();
  });
});

describe('listCommuneReference', () => {
  const rows = listCommuneReference();
  const byCode = new Map(rows.map((row) => [row.inseeCode, row]));

  it('has one row per current commune and per arrondissement municipal', () => {
    expect(rows.length).toBeGreaterThan(34_000);
    expect(byCode.size).toBe(rows.length);
    expect(byCode.has('75056')).toBe(true);
    expect(byCode.has('75115')).toBe(true);
    expect(byCode.has('69383')).toBe(true);
    expect(byCode.has('13208')).toBe(true);
    // Communes déléguées are not current communes: Annecy-le-Vieux is part of Annecy.
    expect(rows.some((row) => row.name === 'Annecy-le-Vieux')).toBe(false);
  });

  it('names the département, région and EPCI', () => {
    expect(byCode.get('42218')).toMatchObject({
      name: 'Saint-Étienne',
      departement: '42',
      departementName: 'Loire',
      region: '84',
      regionName: 'Auvergne-Rhône-Alpes',
      epci: expect.stringMatching(/^\d{9}$/),
      epciName: expect.stringContaining('Saint-Étienne'),
      populationClass: 'urban',
    });
    expect(byCode.get('2A004')).toMatchObject({
      departementName: 'Corse-du-Sud',
      regionName: 'Corse',
    });
    expect(byCode.get('2B033')).toMatchObject({ departementName: 'Haute-Corse' });
    expect(byCode.get('97411')).toMatchObject({
      departement: '974',
      departementName: 'La Réunion',
      regionName: 'La Réunion',
    });
  });

  it('classes communes by their own population', () => {
    expect(byCode.get('75056')?.populationClass).toBe('large_city');
    expect(byCode.get('01053')?.populationClass).toBe('urban');
    expect(rows.filter((row) => row.populationClass === 'rural').length).toBeGreaterThan(25_000);
  });

  it('has null EPCI for communes outside any, such as island communes', () => {
    expect(byCode.get('29155')).toMatchObject({ name: 'Ouessant', epci: null, epciName: null });
  });

  it('contains every commune resolveCommune can return', () => {
    for (const [postcode, city] of [
      ['75015', 'PARIS'],
      ['69003', 'LYON'],
      ['20200', 'BASTIA'],
      ['97200', 'FORT DE FRANCE'],
    ] as const) {
      const resolution = resolveCommune({ postcode, city });
      if (resolution.status !== 'matched') throw new Error('expected a match');
      expect(byCode.get(resolution.commune.inseeCode)).toMatchObject({
        epci: resolution.commune.epci,
        population: resolution.commune.population,
      });
    }
  });
});

describe('communeReferenceVersion', () => {
  it('is the digest of the rows, pinned for the installed data package', () => {
    const installed = (
      createRequire(import.meta.url)('@etalab/decoupage-administratif/package.json') as {
        version: string;
      }
    ).version;
    const actual = digestCommuneReference(listCommuneReference());
    // On failure, after an upgrade of @etalab/decoupage-administratif or a change of how a
    // row is derived: set PINNED_COMMUNE_REFERENCE (commune-reference.ts) to these values.
    expect({ dataPackageVersion: installed, version: actual }).toEqual(PINNED_COMMUNE_REFERENCE);
    expect(communeReferenceVersion()).toBe(actual);
  });

  it('changes with any value of any row', () => {
    const rows = listCommuneReference();
    const changed = rows.map((row) =>
      row.inseeCode === '2A004' ? { ...row, populationClass: 'rural' as const } : row,
    );
    expect(digestCommuneReference(changed)).not.toBe(digestCommuneReference(rows));
    expect(digestCommuneReference(rows)).toMatch(/^decoupage-administratif:[0-9a-f]{16}$/);
  });
});
