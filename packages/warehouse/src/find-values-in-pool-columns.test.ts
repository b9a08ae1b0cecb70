import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findValuesInPoolColumns } from './find-values-in-pool-columns.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { createTestWarehouse, insertFixtureRecords } from './testing/index.ts';

describe('findValuesInPoolColumns', () => {
  let warehouse: TWarehouse;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ warehouse, cleanup } = await createTestWarehouse());
    await warehouse.withWriter(async (connection) => {
      await insertFixtureRecords(connection, [
        {
          recordId: 1,
          personId: 1,
          memberCode: 'M02',
          customerId: 'C1',
          createdAt: '2026-01-01',
          lastName: 'MARTINEZ',
          email: 'pooled@exemple.test',
        },
        {
          recordId: 2,
          personId: 2,
          memberCode: 'M02',
          customerId: 'C2',
          createdAt: '2020-01-01',
          email: 'held@exemple.test',
        },
      ]);
      await connection.run(
        "UPDATE customer_records SET held_until = DATE '2026-12-01', person_id = NULL WHERE record_id = 2",
      );
    });
  });
  afterAll(async () => cleanup());

  it('finds values held in records in the pool or held, as substrings, and nothing else', async () => {
    const found = await findValuesInPoolColumns(warehouse, [
      'MARTIN',
      'pooled@exemple.test',
      'held@exemple.test',
      'absent@exemple.test',
    ]);
    expect(found.sort()).toEqual(['MARTIN', 'held@exemple.test', 'pooled@exemple.test']);
  });
});
