import { listCommuneReference } from '@alliage/normalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCommuneReference } from './ensure-commune-reference.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { createTestWarehouse } from './testing/index.ts';

describe('ensureCommuneReference', () => {
  let warehouse: TWarehouse;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ warehouse, cleanup } = await createTestWarehouse());
  });
  afterAll(async () => cleanup());

  async function query(sql: string): Promise<unknown[][]> {
    return warehouse.withWriter(async (connection) =>
      (await connection.runAndReadAll(sql)).getRowsJS(),
    );
  }

  it('loads one row per commune and arrondissement, keyed by a unique INSEE code', async () => {
    // Opening the pool already loaded it: a second call finds it current.
    const status = await warehouse.withWriter((connection) => ensureCommuneReference(connection));
    const expected = listCommuneReference();
    expect(status.refreshed).toBe(false);
    expect(status.communes).toBe(expected.length);
    expect(status.referenceVersion).toMatch(/^decoupage-administratif:[0-9a-f]{16}$/);
    const [[rows, codes]] = (await query(
      'SELECT count(*), count(DISTINCT insee_code) FROM ref_communes',
    )) as [[bigint, bigint]];
    expect(Number(rows)).toBe(expected.length);
    expect(codes).toBe(rows);

    const ajaccio = expected.find((row) => row.inseeCode === '2A004');
    const [stored] = await query(
      `SELECT name, departement, region, epci, population, population_class
       FROM ref_communes WHERE insee_code = '2A004'`,
    );
    expect(stored).toEqual([
      ajaccio?.name,
      '2A',
      ajaccio?.region,
      ajaccio?.epci,
      ajaccio?.population,
      ajaccio?.populationClass,
    ]);
  });

  it('does nothing when the table is current, and reloads another version', async () => {
    const again = await warehouse.withWriter((connection) => ensureCommuneReference(connection));
    expect(again.refreshed).toBe(false);

    await query(`UPDATE ref_communes SET reference_version = 'older' WHERE insee_code = '2A004'`);
    const reloaded = await warehouse.withWriter((connection) => ensureCommuneReference(connection));
    expect(reloaded.refreshed).toBe(true);
    const [[stale]] = (await query(
      `SELECT count(*) FROM ref_communes WHERE reference_version <> '${reloaded.referenceVersion}'`,
    )) as [[bigint]];
    expect(stale).toBe(0n);
  });
});
