import { DEFAULT_DIALECT_PROFILE, type TMemberFileKind } from '@alliage/domain';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMemberDrop } from './load-member-drop.ts';
import { prepareCustomerMerge } from './merge-staged-customers.ts';
import { prepareTransactionMerge } from './merge-staged-transactions.ts';
import { normalizeStagedCustomers } from './normalize-staged-customers.ts';
import { normalizeStagedTransactions } from './normalize-staged-transactions.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { stageMemberFile } from './stage-member-file.ts';
import { createTestWarehouse, fixedRepoussoirFeed, testMemberFile } from './testing/index.ts';

const NOW = new Date('2026-11-23T10:00:00Z');
const HMAC_SECRET = 'test-only-hmac-secret-0123456789abcdef';
const JEAN =
  'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,jean.dupont@exemple.fr,,,1970-03-12,1,1,0,2025-01-10';
const PAUL =
  'C2,M,Paul,MARTIN,,,3 rue de la Paix,,69003,LYON,FR,paul@exemple.fr,,,1980-01-01,1,0,0,2025-06-01';

/** Every pool row a merge may write, in a stable order. */
async function poolRows(connection: DuckDBConnection) {
  const read = async (sql: string) => (await connection.runAndReadAll(sql)).getRowsJS();
  return {
    records: await read(
      'SELECT record_id, customer_id, email, held_until FROM customer_records ORDER BY record_id',
    ),
    transactions: await read(
      'SELECT customer_id, transaction_id, amount_eur FROM transactions ORDER BY transaction_id',
    ),
  };
}

/** Stages, normalises and prepares a merge on the writer, as loadMemberDrop does. */
async function prepare(connection: DuckDBConnection, kind: TMemberFileKind, lines: string[]) {
  const prefix = `t_${kind}`;
  const staged = await stageMemberFile({
    connection,
    plaintext: testMemberFile(kind, lines),
    kind,
    dialect: DEFAULT_DIALECT_PROFILE,
    table: `${prefix}_raw`,
  });
  const normalize = {
    connection,
    stagedTable: staged.stagedTable as string,
    columns: staged.columns,
    dialect: DEFAULT_DIALECT_PROFILE,
    prefix,
    receivedDate: '2026-11-23',
  };
  const merge = {
    connection,
    prefix,
    memberCode: 'M01',
    fileDropId: `drop-${kind}`,
    retentionMonths: 36,
    today: '2026-11-23',
    now: NOW,
    hmacSecret: HMAC_SECRET,
  };
  if (kind === 'customers') {
    await normalizeStagedCustomers(normalize);
    return prepareCustomerMerge({ ...merge, delta: false });
  }
  await normalizeStagedTransactions(normalize);
  return prepareTransactionMerge(merge);
}

describe('prepareCustomerMerge and prepareTransactionMerge', () => {
  let warehouse: TWarehouse;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ warehouse, cleanup } = await createTestWarehouse());
    for (const [kind, lines] of [
      ['customers', [JEAN, PAUL]],
      ['transactions', ['C1,T1,2026-10-01,12.50,maison,web', 'C2,T2,2026-09-01,30.00,maison,web']],
    ] as const) {
      const loaded = await loadMemberDrop({
        warehouse,
        fileDropId: crypto.randomUUID(),
        memberCode: 'M01',
        kind,
        delta: false,
        dialect: DEFAULT_DIALECT_PROFILE,
        plaintext: testMemberFile(kind, [...lines]),
        verified: Promise.resolve({}),
        maxRejectedRowRatio: 0.5,
        retentionMonths: 36,
        repoussoir: fixedRepoussoirFeed([]),
        hmacSecret: HMAC_SECRET,
        memberSectors: new Map([['M01', 'equipement_maison']]),
        now: NOW,
        receivedAt: NOW,
      });
      expect(loaded.outcome).toBe('loaded');
    }
  });
  afterEach(async () => cleanup());

  it('prepare writes nothing to the pool; only the returned step does, inside the transaction', async () => {
    await warehouse.withWriter(async (connection) => {
      const before = await poolRows(connection);
      expect(before.records).toHaveLength(2);

      // A full base that changes C1's email, drops C2 and adds C3: every kind of write.
      const applyCustomers = await prepare(connection, 'customers', [
        JEAN.replace('jean.dupont@exemple.fr', 'jean.d@exemple.fr'),
        'C3,MME,Anne,LEROY,,,8 rue Nationale,,59000,LILLE,FR,anne@exemple.fr,,,1990-05-05,1,0,0,2026-02-01',
      ]);
      expect(await poolRows(connection)).toEqual(before);
      await connection.run('BEGIN TRANSACTION');
      const merged = await applyCustomers();
      expect(merged.counts).toMatchObject({ inserted: 1, updated: 1, removed: 1 });
      expect(await poolRows(connection)).not.toEqual(before);
      await connection.run('ROLLBACK');
      expect(await poolRows(connection)).toEqual(before);

      const applyTransactions = await prepare(connection, 'transactions', [
        'C1,T1,2026-10-01,99.00,maison,web',
        'C1,T3,2026-11-01,5.00,maison,magasin',
      ]);
      expect(await poolRows(connection)).toEqual(before);
      await connection.run('BEGIN TRANSACTION');
      expect((await applyTransactions()).counts.inserted).toBe(2);
      expect((await poolRows(connection)).transactions).toEqual([
        ['C1', 'T1', 99],
        ['C2', 'T2', 30],
        ['C1', 'T3', 5],
      ]);
      await connection.run('ROLLBACK');
      expect(await poolRows(connection)).toEqual(before);
    });
  });
});
