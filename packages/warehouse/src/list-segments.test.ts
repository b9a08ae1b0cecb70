import { AGE_BANDS, SEGMENT_DEFINITIONS } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSegments, type TSegmentListing } from './list-segments.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { createTestWarehouse } from './testing/index.ts';

describe('listSegments', () => {
  let warehouse: TWarehouse;
  let cleanup: () => Promise<void>;
  let listings: TSegmentListing[];

  function listing(name: string): TSegmentListing {
    const found = listings.find((entry) => entry.name === name);
    if (!found) throw new Error(`segment ${name} not listed`);
    return found;
  }

  function countOf(name: string, value: string) {
    return listing(name).values.find((entry) => entry.value === value);
  }

  beforeAll(async () => {
    ({ warehouse, cleanup } = await createTestWarehouse());
    await warehouse.withWriter(async (connection) => {
      // 25 persons aged 25-34 in the 42, 3 aged 35-44 in the 2A, 2 without commune.
      const person = (from: number, to: number, ageBand: string, departement: string | null) =>
        connection.run(
          `INSERT INTO person_profile
           SELECT i, NULL, 'MME', $1, NULL, $2, NULL, NULL, NULL, NULL, 1, false,
             true, i % 2 = 0, false, false, 1, TIMESTAMP '2026-06-30 00:00:00'
           FROM range($3, $4) t(i)`,
          [ageBand, departement, from, to],
        );
      await person(1, 26, '25-34', '42');
      await person(26, 29, '35-44', '2A');
      await person(29, 31, '25-34', null);
      const sector = (from: number, to: number, name: string, rfm: string, appetence: number) =>
        connection.run(
          `INSERT INTO person_sector_profile
           SELECT i, $1, NULL, NULL, 1, 10, 5, 1, 1, $2, $3 FROM range($4, $5) t(i)`,
          [name, rfm, appetence, from, to],
        );
      await sector(1, 31, 'equipement_maison', 'active', 85);
      await sector(1, 6, 'loisirs_voyages', 'lapsed', 10);
      await connection.run(
        `INSERT INTO household_profile SELECT i, 2, NULL, NULL, NULL, 'urban', true FROM range(1, 23) t(i)`,
      );
    });
    listings = await warehouse.withWriter((connection) =>
      listSegments({ connection, threshold: 20 }),
    );
  });
  afterAll(async () => cleanup());

  it('lists every definition with its version, level and description', () => {
    expect(listings.map((entry) => entry.name)).toEqual(
      SEGMENT_DEFINITIONS.map((definition) => definition.name),
    );
    expect(listing('age_band')).toMatchObject({ version: 1, level: 'person' });
    expect(listing('age_band').values.map((entry) => entry.value)).toEqual([...AGE_BANDS]);
  });

  it('shows counts at or above the threshold and "<k" below, never the small number', () => {
    expect(countOf('age_band', '25-34')).toEqual({ value: '25-34', count: 27, display: '27' });
    expect(countOf('age_band', '35-44')).toEqual({ value: '35-44', count: null, display: '<20' });
    expect(countOf('age_band', '75+')).toEqual({ value: '75+', count: null, display: '<20' });
    expect(countOf('reach_postal', 'yes')).toEqual({ value: 'yes', count: 30, display: '30' });
    expect(countOf('reach_email', 'no')).toEqual({ value: 'no', count: null, display: '<20' });
    for (const entry of listings) {
      for (const value of entry.values) {
        expect(value.count === null || value.count >= 20).toBe(true);
        expect(value.display).toBe(value.count === null ? '<20' : String(value.count));
      }
    }
  });

  it('lists reference codes as found, person-sector segments per sector and scores by band', () => {
    expect(listing('departement').values).toEqual([
      { value: '2A', count: null, display: '<20' },
      { value: '42', count: 25, display: '25' },
      { value: 'unknown', count: null, display: '<20' },
    ]);
    expect(listing('rfm_segment').values.map((entry) => entry.value)).toEqual([
      'equipement_maison:active_high_value',
      'equipement_maison:active',
      'equipement_maison:lapsing',
      'equipement_maison:lapsed',
      'equipement_maison:prospect',
      'loisirs_voyages:active_high_value',
      'loisirs_voyages:active',
      'loisirs_voyages:lapsing',
      'loisirs_voyages:lapsed',
      'loisirs_voyages:prospect',
    ]);
    expect(countOf('rfm_segment', 'equipement_maison:active')?.count).toBe(30);
    expect(countOf('appetence_score', 'equipement_maison:80-100')?.count).toBe(30);
    expect(countOf('appetence_score', 'loisirs_voyages:0-19')?.display).toBe('<20');
    expect(listing('appetence_score').values).toHaveLength(10);
    expect(countOf('household_person_count', '2')?.count).toBe(22);
    expect(countOf('household_population_class', 'urban')?.count).toBe(22);
    expect(countOf('household_size', 'none')?.count).toBe(30);
  });

  it('refuses a threshold that is not a positive integer', async () => {
    await expect(
      warehouse.withWriter((connection) => listSegments({ connection, threshold: 0 })),
    ).rejects.toThrow(/threshold/);
  });
});
