import type { DuckDBConnection } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPool } from './build-pool.ts';
import type { TWarehouse } from './open-warehouse.ts';
import {
  createTestWarehouse,
  fixedRepoussoirFeed,
  insertFixturePersons,
  insertFixtureRecords,
} from './testing/index.ts';

const NOW = new Date('2026-12-06T10:00:00Z');

async function insertTransactions(
  connection: DuckDBConnection,
  rows: [customerId: string, transactionId: string, date: string][],
): Promise<void> {
  for (const [customerId, transactionId, date] of rows) {
    await connection.run(
      `INSERT INTO transactions VALUES ('M01', $1, $2, CAST($3 AS DATE), 10.00, 'maison', 'web', 'drop-fixture')`,
      [customerId, transactionId, date],
    );
  }
}

async function rows(warehouse: TWarehouse, sql: string): Promise<unknown[][]> {
  const connection = await warehouse.connect();
  const result = (await connection.runAndReadAll(sql)).getRowsJS();
  connection.closeSync();
  return result;
}

describe('purgeFutureDatedRows (through the daily build)', () => {
  let warehouse: TWarehouse;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ warehouse, cleanup } = await createTestWarehouse());
    // A pool loaded before intake refused future dates.
    await warehouse.withWriter(async (connection) => {
      await insertFixtureRecords(connection, [
        // Last real transaction 40 months ago, and a 2099 placeholder.
        { recordId: 1, personId: 1, memberCode: 'M01', customerId: 'C1', createdAt: '2022-01-10' },
        // Collected "in 2099", with a recent transaction.
        { recordId: 2, personId: 2, memberCode: 'M01', customerId: 'C2', createdAt: '2099-06-01' },
        // Within retention, and dated tomorrow (intake's margin): stays.
        { recordId: 3, personId: 3, memberCode: 'M01', customerId: 'C3', createdAt: '2026-12-07' },
      ]);
      await insertTransactions(connection, [
        ['C1', 'T1', '2023-08-01'],
        ['C1', 'T2', '2099-01-01'],
        ['C2', 'T3', '2026-11-01'],
        ['C3', 'T4', '2026-12-07'],
        // A customer the pool has no record of (yet).
        ['X9', 'T5', '2062-03-01'],
      ]);
      await insertFixturePersons(connection, [{ personId: 1 }, { personId: 2 }, { personId: 3 }]);
    });
  });
  afterEach(async () => cleanup());

  const build = () =>
    buildPool({
      warehouse,
      retentionMonthsByMember: new Map([['M01', 36]]),
      full: true,
      memberSectors: new Map([['M01', 'equipement_maison']]),
      repoussoir: fixedRepoussoirFeed([]),
      suppressions: { hmacSecret: 'test-only-hmac-secret-0123456789abcdef', members: [] },
      now: NOW,
    });

  it('commits nothing once the warehouse says this process no longer owns the pool', async () => {
    const lost = new Error('the pool lease was lost');
    warehouse.confirmOwnership = async () => {
      throw lost;
    };
    await expect(build()).rejects.toBe(lost);
    expect(await rows(warehouse, 'SELECT customer_id FROM member_records ORDER BY 1')).toEqual([
      ['C1'],
      ['C2'],
      ['C3'],
    ]);
  });

  it('deletes rows dated after tomorrow, so the real last activity decides retention', async () => {
    const changes = await build();

    // C1's 2099 transaction goes, then C1 itself: its last real one is 40 months old.
    // C2 was "collected in 2099": intake refuses that row, the purge deletes the record
    // (its transaction stays, as any customer's not in the pool yet).
    expect(await rows(warehouse, 'SELECT customer_id FROM member_records ORDER BY 1')).toEqual([
      ['C3'],
    ]);
    expect(
      await rows(warehouse, 'SELECT customer_id, transaction_id FROM transactions ORDER BY 2'),
    ).toEqual([
      ['C2', 'T3'],
      ['C3', 'T4'],
    ]);
    expect(changes.purged).toEqual({
      records: 1,
      transactions: 1,
      heldExpired: 0,
      futureRecords: 1,
      futureTransactions: 2,
    });
    expect(changes.identities.personsGone).toBe(2);
    // Activity is recomputed without the future dates.
    expect(
      await rows(
        warehouse,
        "SELECT customer_id, CAST(last_transaction AS VARCHAR) FROM record_activity WHERE member_code = 'M01' ORDER BY 1",
      ),
    ).toEqual([
      ['C2', '2026-11-01'],
      ['C3', '2026-12-07'],
    ]);
    // The deleted rows' bytes leave the file at the next rewrite.
    expect(await rows(warehouse, 'SELECT reason FROM pool_rewrite_due ORDER BY 1')).toEqual([
      ['future_dated'],
      ['retention'],
    ]);
    // Nothing left to delete the next day.
    expect((await build()).purged).toMatchObject({ futureRecords: 0, futureTransactions: 0 });
  }, 30_000);
});
