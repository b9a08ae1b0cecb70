import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TWarehouse } from './open-warehouse.ts';
import { refreshDeliveredSuppliers } from './refresh-delivered-suppliers.ts';
import { copySplitPersonRows, repointMergedPersons } from './repoint-merged-persons.ts';
import { createTestWarehouse, insertFixtureRecords, reachableRecord } from './testing/index.ts';

// The state identity resolution leaves (records re-assigned, ir_retired and
// ir_previous_persons written), set by hand: what each kind of change does to the rows.
describe('refreshDeliveredSuppliers', () => {
  let warehouse: TWarehouse;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ warehouse, cleanup } = await createTestWarehouse());
  });
  afterAll(async () => cleanup());

  it('follows merges, and forgets a member that no longer holds the person', async () => {
    const rows = await warehouse.withWriter(async (connection) => {
      await insertFixtureRecords(connection, [
        // Person 1: M01's record was erased; M02's stays.
        reachableRecord({ recordId: 2, personId: 1, memberCode: 'M02' }),
        // Person 2 was merged into 3: its M01 record is in 3 now.
        reachableRecord({ recordId: 3, personId: 3, memberCode: 'M01' }),
        reachableRecord({ recordId: 4, personId: 3, memberCode: 'M02' }),
        // Person 4 is gone (its last record purged). Person 5 was not touched.
        reachableRecord({ recordId: 5, personId: 5, memberCode: 'M01' }),
      ]);
      await connection.run(`INSERT INTO delivered_person_suppliers VALUES
        ('D1', 1, 'M01'), ('D1', 1, 'M02'), ('D1', 2, 'M01'), ('D2', 3, 'M02'),
        ('D1', 4, 'M01'), ('D1', 5, 'M01')`);
      await connection.run(`CREATE OR REPLACE TEMP TABLE ir_retired AS
        SELECT * FROM (VALUES (2::BIGINT, 3::BIGINT, 'merged'), (4, NULL, 'gone'))
          t(person_id, successor_id, reason)`);
      await connection.run(`CREATE OR REPLACE TEMP TABLE ir_previous_persons AS
        SELECT * FROM (VALUES (1::BIGINT), (2), (3), (4)) t(person_id)`);
      await connection.run(
        'CREATE OR REPLACE TEMP TABLE ir_split (previous_id BIGINT, person_id BIGINT)',
      );
      const forgotten = await refreshDeliveredSuppliers(connection);
      const left = (
        await connection.runAndReadAll(
          `SELECT delivery_id, person_id::INTEGER AS person_id, member_code
           FROM delivered_person_suppliers ORDER BY ALL`,
        )
      ).getRowsJS();
      return { forgotten, left };
    });
    expect(rows.forgotten).toBe(2);
    expect(rows.left).toEqual([
      ['D1', 1, 'M02'],
      ['D1', 3, 'M01'],
      ['D1', 5, 'M01'],
      ['D2', 3, 'M02'],
    ]);
  });

  it('copies what was delivered to, and supplied of, a split person to the person that took records', async () => {
    const rows = await warehouse.withWriter(async (connection) => {
      await connection.run('DELETE FROM customer_records');
      await connection.run('DELETE FROM delivered_persons');
      await connection.run('DELETE FROM delivered_person_suppliers');
      // Person 7 held M01's record 7 and M02's record 8, delivered in D7 (both supplied);
      // resolution told record 8 apart: it is person 9 now.
      await insertFixtureRecords(connection, [
        reachableRecord({ recordId: 7, personId: 7, memberCode: 'M01' }),
        reachableRecord({ recordId: 8, personId: 9, memberCode: 'M02' }),
      ]);
      await connection.run(
        `INSERT INTO delivered_persons VALUES ('C01', 'D7', 7, DATE '2026-11-01')`,
      );
      await connection.run(
        `INSERT INTO delivered_person_suppliers VALUES ('D7', 7, 'M01'), ('D7', 7, 'M02')`,
      );
      await connection.run(
        'CREATE OR REPLACE TEMP TABLE ir_retired (person_id BIGINT, successor_id BIGINT, reason VARCHAR)',
      );
      await connection.run(`CREATE OR REPLACE TEMP TABLE ir_previous_persons AS
        SELECT * FROM (VALUES (7::BIGINT)) t(person_id)`);
      await connection.run(`CREATE OR REPLACE TEMP TABLE ir_split AS
        SELECT * FROM (VALUES (7::BIGINT, 9::BIGINT)) t(previous_id, person_id)`);
      await copySplitPersonRows(connection, 'delivered_persons');
      await refreshDeliveredSuppliers(connection);
      const read = async (sql: string) => (await connection.runAndReadAll(sql)).getRowsJS();
      const found = {
        delivered: await read(
          'SELECT delivery_id, person_id::INTEGER FROM delivered_persons ORDER BY ALL',
        ),
        suppliers: await read(
          'SELECT delivery_id, person_id::INTEGER, member_code FROM delivered_person_suppliers ORDER BY ALL',
        ),
      };
      await connection.run('DELETE FROM delivered_persons');
      await connection.run('DELETE FROM delivered_person_suppliers');
      return found;
    });
    // C01's "exclude persons delivered to me" still finds both people.
    expect(rows.delivered).toEqual([
      ['D7', 7],
      ['D7', 9],
    ]);
    // Each member's row follows its record.
    expect(rows.suppliers).toEqual([
      ['D7', 7, 'M01'],
      ['D7', 9, 'M02'],
    ]);
  });

  it('moves what was delivered to a merged-away person to its successor', async () => {
    const left = await warehouse.withWriter(async (connection) => {
      await connection.run(`INSERT INTO delivered_persons VALUES
        ('C01', 'D1', 2, DATE '2026-11-01'), ('C01', 'D1', 3, DATE '2026-11-01'),
        ('C02', 'D2', 5, DATE '2026-11-02')`);
      await connection.run(`CREATE OR REPLACE TEMP TABLE ir_retired AS
        SELECT * FROM (VALUES (2::BIGINT, 3::BIGINT, 'merged'), (4, NULL, 'gone'))
          t(person_id, successor_id, reason)`);
      await repointMergedPersons(connection, 'delivered_persons');
      return (
        await connection.runAndReadAll(
          'SELECT delivery_id, person_id::INTEGER FROM delivered_persons ORDER BY ALL',
        )
      ).getRowsJS();
    });
    // "Exclude persons delivered to me" now finds person 3 for both rows.
    expect(left).toEqual([
      ['D1', 3],
      ['D1', 3],
      ['D2', 5],
    ]);
  });
});
