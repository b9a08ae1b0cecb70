import { existsSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { repoussoirKey } from '@alliage/normalize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compactWarehouse } from './compact-warehouse.ts';
import { deleteMemberData } from './delete-member-data.ts';
import { eraseMemberCustomers } from './erase-member-customers.ts';
import { forgetDeliveredPersons } from './forget-delivered-persons.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { syncRepoussoirHashes } from './sync-repoussoir-hashes.ts';
import {
  createTestWarehouse,
  fixedRepoussoirFeed,
  loadTestDrop,
  TEST_DROP_HMAC_SECRET,
  testDropHmac,
} from './testing/index.ts';

const NOW = new Date('2026-11-23T10:00:00Z');
const hmac = testDropHmac;
const load = loadTestDrop;
let dropCounter = 0;

function dropId(): string {
  dropCounter += 1;
  return `00000000-0000-4000-8000-${String(dropCounter).padStart(12, '0')}`;
}

async function query(warehouse: TWarehouse, sql: string) {
  const connection = await warehouse.connect();
  return (await connection.runAndReadAll(sql)).getRowObjectsJS();
}

// Synthetic customers of the tests where DuckDB fails mid-load (memory, disk).
const JEAN =
  'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,c1@exemple.fr,,,,1,1,0,2025-01-10';
const PAUL = 'C2,M,Paul,MARTIN,,,3 rue de la Paix,,69003,LYON,FR,c2@exemple.fr,,,,1,0,0,2025-06-01';

/** What a failed load must leave as it was: the pool's customers and its loaded drops. */
function poolState(warehouse: TWarehouse) {
  return query(
    warehouse,
    `SELECT (SELECT list(customer_id ORDER BY customer_id) FROM member_records) AS customers,
            (SELECT count(*) FROM loaded_drops) AS drops`,
  );
}

describe('loadMemberDrop', () => {
  let warehouse: TWarehouse;
  let databasePath: string;
  let reopen: () => Promise<TWarehouse>;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ warehouse, databasePath, reopen, cleanup } = await createTestWarehouse());
  });
  afterEach(async () => cleanup());

  it('leaves no scratch copy of records on the writer once a drop is loaded', async () => {
    await load(warehouse, 'M01', 'customers', [
      'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,jean.dupont@exemple.fr,06 12 34 56 78,,1970-03-12,1,1,0,2025-01-10',
    ]);
    await load(warehouse, 'M01', 'transactions', ['C1,T1,2026-10-01,12.50,maison,web']);
    const tables = await warehouse.withWriter(async (connection) =>
      (
        await connection.runAndReadAll(
          `SELECT database_name || '.' || table_name FROM duckdb_tables()
           WHERE database_name IN ('temp', 'stage') ORDER BY 1`,
        )
      ).getRowsJS(),
    );
    // What was retired stays for the caller (deleteMemberData reads it); nothing else does.
    expect(tables).toEqual([['temp.ir_retired']]);
  });

  it('leaves no scratch copy on the writer once customers are erased or a member offboarded', async () => {
    const lines = [
      'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,jean.dupont@exemple.fr,,,1970-03-12,1,1,0,2025-01-10',
      'C2,M,Paul,MARTIN,,,3 rue de la Paix,,69003,LYON,FR,paul@exemple.fr,,,1980-01-01,1,0,0,2025-06-01',
    ];
    await load(warehouse, 'M01', 'customers', lines);
    await load(warehouse, 'M02', 'customers', lines);
    const scratch = () =>
      warehouse.withWriter(async (connection) =>
        (
          await connection.runAndReadAll(
            `SELECT table_name FROM duckdb_tables()
             WHERE database_name IN ('temp', 'stage') AND table_name <> 'ir_retired' ORDER BY 1`,
          )
        ).getRowsJS(),
      );
    const pool = {
      memberSectors: new Map([['M02', 'loisirs_voyages']]),
      repoussoir: fixedRepoussoirFeed([]),
      hmacSecret: TEST_DROP_HMAC_SECRET,
      now: NOW,
    };
    const erased = await eraseMemberCustomers({
      warehouse,
      memberCode: 'M01',
      customerIds: ['C1'],
      ...pool,
    });
    expect(erased.records).toBe(1);
    expect(await scratch()).toEqual([]);
    const deleted = await deleteMemberData({ warehouse, memberCode: 'M01', ...pool });
    expect(deleted.records).toBe(1);
    expect(await scratch()).toEqual([]);
    expect(await query(warehouse, 'SELECT DISTINCT member_code FROM member_records')).toEqual([
      { member_code: 'M02' },
    ]);
  });

  it('commits nothing once the warehouse says this process no longer owns the pool', async () => {
    const lost = new Error('the pool lease was lost');
    warehouse.confirmOwnership = async () => {
      throw lost;
    };
    const line =
      'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,jean.dupont@exemple.fr,06 12 34 56 78,,1970-03-12,1,1,0,2025-01-10';
    await expect(load(warehouse, 'M01', 'customers', [line])).rejects.toBe(lost);
    expect(await query(warehouse, 'SELECT count(*)::INTEGER AS n FROM member_records')).toEqual([
      { n: 0 },
    ]);
    expect(await query(warehouse, 'SELECT count(*)::INTEGER AS n FROM loaded_drops')).toEqual([
      { n: 0 },
    ]);
  });

  it('commits no erasure, member deletion, repoussoir catch-up, forgotten delivery nor rewrite once the pool is lost', async () => {
    const line =
      'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,jean.dupont@exemple.fr,,,1970-03-12,1,1,0,2025-01-10';
    await load(warehouse, 'M01', 'customers', [line]);
    await warehouse.withWriter((connection) =>
      connection.run(
        "INSERT INTO delivered_persons SELECT 'C01', 'dlv-1', person_id, DATE '2026-11-01' FROM persons",
      ),
    );
    const snapshot = () =>
      query(
        warehouse,
        `SELECT (SELECT count(*) FROM member_records)::INTEGER AS records,
                (SELECT count(*) FROM delivered_persons)::INTEGER AS delivered,
                (SELECT max(fingerprint) FROM repoussoir_sync) AS fingerprint,
                (SELECT count(*) FROM audit_outbox)::INTEGER AS outbox`,
      );
    const before = await snapshot();
    const fileBefore = statSync(warehouse.databasePath).ino;
    const lost = new Error('the pool lease was lost');
    warehouse.confirmOwnership = async () => {
      throw lost;
    };
    const pool = {
      memberSectors: new Map([['M01', 'equipement_maison']]),
      repoussoir: fixedRepoussoirFeed([
        { kind: 'email', hmac: hmac('jean.dupont@exemple.fr'), scope: 'all' },
      ]),
      hmacSecret: TEST_DROP_HMAC_SECRET,
      now: NOW,
      auditEvents: () => [],
    };
    await expect(
      eraseMemberCustomers({ warehouse, memberCode: 'M01', customerIds: ['C1'], ...pool }),
    ).rejects.toBe(lost);
    await expect(deleteMemberData({ warehouse, memberCode: 'M01', ...pool })).rejects.toBe(lost);
    await expect(syncRepoussoirHashes(warehouse, pool.repoussoir)).rejects.toBe(lost);
    await expect(forgetDeliveredPersons(warehouse, 'dlv-1')).rejects.toBe(lost);
    await expect(compactWarehouse(warehouse)).rejects.toBe(lost);
    expect(await snapshot()).toEqual(before);
    // The pool file was not swapped, and the rewritten copy is gone.
    expect(statSync(warehouse.databasePath).ino).toBe(fileBefore);
    expect(readdirSync(path.dirname(warehouse.databasePath))).not.toContainEqual(
      expect.stringContaining('.compact-'),
    );
  });

  it('loads customers, resolves persons across members and keeps IDs stable', async () => {
    const first = await load(warehouse, 'M01', 'customers', [
      'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,jean.dupont@exemple.fr,06 12 34 56 78,,1970-03-12,1,1,0,2025-01-10',
      'C2,MME,Marie,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,,,,1972-05-01,0,0,0,2025-01-10',
      'C3,M,Paul,MARTIN,,,3 rue de la Paix,,69003,LYON,FR,paul@exemple.fr,,,1980-01-01,1,0,0,2024-06-01',
    ]);
    expect(first.outcome).toBe('loaded');
    expect(first.rows).toEqual({ total: 3, accepted: 3, rejected: 0 });
    const second = await load(warehouse, 'M02', 'customers', [
      'X9,MR,JEAN,Dupont,,,12 AV VICTOR HUGO,,75016,Paris,FR,JEAN.DUPONT@EXEMPLE.FR,+33612345678,,1970-03-12,0,0,0,2025-06-01',
      'X10,M,Pierre,DUPONT,,,12 av Victor-Hugo,,75016,PARIS,FR,,,,2001-08-20,0,0,0,2025-06-01',
    ]);
    expect(second.outcome).toBe('loaded');
    const persons = await query(
      warehouse,
      `SELECT member_code, customer_id, person_id FROM member_records ORDER BY member_code, customer_id`,
    );
    const personOf = Object.fromEntries(
      persons.map((row) => [`${row.member_code}:${row.customer_id}`, row.person_id]),
    );
    expect(personOf['M02:X9']).toBe(personOf['M01:C1']);
    expect(personOf['M02:X10']).not.toBe(personOf['M01:C1']);
    expect(personOf['M01:C2']).not.toBe(personOf['M01:C1']);
    const households = await query(
      warehouse,
      `SELECT count(DISTINCT household_id) AS households, count(*) AS persons FROM persons`,
    );
    expect(households[0]).toEqual({ households: 2n, persons: 4n });

    // A re-sent full base with one customer gone keeps the other IDs.
    const before = personOf['M01:C1'];
    await load(warehouse, 'M01', 'customers', [
      'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,jean.dupont@exemple.fr,06 12 34 56 78,,1970-03-12,1,1,0,2025-01-10',
      'C3,M,Paul,MARTIN,,,3 rue de la Paix,,69003,LYON,FR,paul@exemple.fr,,,1980-01-01,1,0,0,2024-06-01',
    ]);
    const after = await query(
      warehouse,
      `SELECT customer_id, person_id FROM member_records WHERE member_code = 'M01' ORDER BY customer_id`,
    );
    expect(after.map((row) => row.customer_id)).toEqual(['C1', 'C3']);
    expect(after[0]?.person_id).toBe(before);
  });

  it('never merges a couple sharing an email, nor twins, named a name and its feminine form, without civility', async () => {
    await load(warehouse, 'M01', 'customers', [
      'C1,,Michel,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,famille.dupont@exemple.fr,,,,1,0,0,2025-01-10',
      'C2,,Michèle,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,famille.dupont@exemple.fr,,,,1,0,0,2025-01-10',
      'C3,M,Louis,MARTIN,,,3 rue de la Paix,,69003,LYON,FR,,,,2001-05-05,0,0,0,2025-01-10',
      'C4,,Louise,MARTIN,,,3 rue de la Paix,,69003,LYON,FR,,,,2001-05-05,0,0,0,2025-01-10',
    ]);
    const persons = await query(
      warehouse,
      'SELECT customer_id, person_id FROM member_records ORDER BY customer_id',
    );
    expect(new Set(persons.map((row) => row.person_id)).size).toBe(4);
  });

  it('keeps a delivery remembered for both persons when a delivered person is split', async () => {
    const jean = (id: string, first: string, email: string) =>
      `${id},M,${first},DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,${email},,,1970-03-12,1,0,0,2025-01-10`;
    await load(warehouse, 'M01', 'customers', [jean('C1', 'Jean', 'jean.dupont@exemple.fr')]);
    await load(warehouse, 'M02', 'customers', [jean('X1', 'Jean', 'jean.dupont@exemple.fr')]);
    const [{ person } = { person: null }] = await query(
      warehouse,
      'SELECT DISTINCT person_id AS person FROM member_records',
    );
    await warehouse.withWriter((connection) =>
      connection.run(
        `INSERT INTO delivered_persons VALUES ('C01', 'dlv-1', ${Number(person)}, DATE '2026-11-20')`,
      ),
    );
    // M02 corrects its record: another first name and email, the same address (his brother).
    await load(warehouse, 'M02', 'customers', [jean('X1', 'Pierre', 'pierre.dupont@exemple.fr')]);
    const persons = await query(
      warehouse,
      'SELECT DISTINCT person_id FROM member_records ORDER BY person_id',
    );
    expect(persons).toHaveLength(2);
    const delivered = await query(
      warehouse,
      `SELECT person_id FROM delivered_persons WHERE delivery_id = 'dlv-1' ORDER BY person_id`,
    );
    expect(delivered).toEqual(persons);
  });

  it('reports bad rows by line and column, and rejects a file above the ratio', async () => {
    const result = await load(warehouse, 'M01', 'customers', [
      'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,not-an-email,,,31/02/1970,1,1,0,2025-01-10',
      ',M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,,,,,1,1,0,2025-01-10',
      'C1,M,Jean,DUPONT,,,1 rue X,,75016,PARIS,FR,,,,,1,1,0,2025-01-10',
    ]);
    expect(result.rowErrors).toEqual(
      expect.arrayContaining([
        { line: 2, column: 'email', reason: 'not a valid email address' },
        expect.objectContaining({ line: 2, column: 'birth_date' }),
        { line: 3, column: 'customer_id', reason: 'missing customer_id' },
        { line: 4, column: 'customer_id', reason: 'customer_id repeats line 2' },
      ]),
    );
    expect(result.outcome).toBe('rejected');
    expect(result.rows).toEqual({ total: 3, accepted: 1, rejected: 2 });
  });

  it('rejects dates after the reception day, so none can hold a record past retention', async () => {
    const customers = await load(warehouse, 'M01', 'customers', [
      'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,,,,1970-03-12,1,1,0,2020-01-10',
      'C2,M,Paul,MARTIN,,,3 rue de la Paix,,69003,LYON,FR,,,,2062-01-01,1,0,0,2025-06-01',
      'C3,M,Luc,PETIT,,,8 rue Nationale,,59000,LILLE,FR,,,,,1,0,0,2099-01-10',
    ]);
    expect(customers.rowErrors).toEqual([
      { line: 3, column: 'birth_date', reason: 'date after the day the file was received' },
      { line: 4, column: 'created_at', reason: 'date after the day the file was received' },
    ]);
    expect(customers.rows).toEqual({ total: 3, accepted: 2, rejected: 1 });
    // Received 2026-11-23: the next day passes (a member ahead of UTC), later does not.
    const transactions = await load(warehouse, 'M01', 'transactions', [
      'C1,T1,2099-06-01,12.50,livres,web',
      'C2,T2,2026-11-24,12.50,livres,web',
    ]);
    expect(transactions.rowErrors).toEqual([
      { line: 2, column: 'date', reason: 'date after the day the file was received' },
    ]);
    // C1 (collected in 2020) stays held: the future transaction did not make it active.
    expect(await query(warehouse, 'SELECT customer_id FROM member_records')).toEqual([
      { customer_id: 'C2' },
    ]);
    expect(await query(warehouse, 'SELECT customer_id FROM held_records')).toEqual([
      { customer_id: 'C1' },
    ]);
  });

  it('rejects a full customers file with no rows instead of removing the whole base', async () => {
    await load(warehouse, 'M01', 'customers', [
      'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,c1@exemple.fr,,,,1,1,0,2025-01-10',
    ]);
    const empty = await load(warehouse, 'M01', 'customers', []);
    expect(empty).toMatchObject({ outcome: 'rejected', reason: 'malformed', rows: null });
    expect(empty.outcome === 'rejected' && empty.detail).toMatch(/no records.*offboarding/);
    expect(await query(warehouse, 'SELECT customer_id FROM member_records')).toEqual([
      { customer_id: 'C1' },
    ]);
    // A delta or a transactions file with no rows changes nothing, and is accepted.
    expect((await load(warehouse, 'M01', 'customers', [], { delta: true })).outcome).toBe('loaded');
    expect((await load(warehouse, 'M01', 'transactions', [])).outcome).toBe('loaded');
  });

  it('leaves the pool as it was and fails as unavailable when DuckDB runs out of memory reading a sound file', async () => {
    await load(warehouse, 'M01', 'customers', [JEAN]);
    const before = await poolState(warehouse);
    // Too little memory for the CSV reader's buffers: DuckDB fails once it has opened the pipe.
    await warehouse.withWriter((connection) => connection.run(`SET memory_limit = '8MB'`));
    const starved = load(warehouse, 'M01', 'customers', [PAUL]);
    await expect(starved).rejects.toMatchObject({ code: 'unavailable', retry: true });
    await warehouse.withWriter((connection) => connection.run(`SET memory_limit = '1GB'`));
    expect(await poolState(warehouse)).toEqual(before);
    const scratch = await warehouse.withWriter(async (connection) =>
      (
        await connection.runAndReadAll(
          `SELECT table_name FROM duckdb_tables() WHERE database_name = 'stage'`,
        )
      ).getRowsJS(),
    );
    expect(scratch).toEqual([]);
    // Once DuckDB has its memory back, the same file loads: nothing was wrong with it.
    expect((await load(warehouse, 'M01', 'customers', [PAUL])).outcome).toBe('loaded');
  });

  it('leaves the pool as it was and fails as unavailable when the pool disk is full at commit', async () => {
    await load(warehouse, 'M01', 'customers', [JEAN]);
    const before = await poolState(warehouse);
    // A full disk, for real: once checkpointed the pool has no log file, and the one DuckDB
    // opens at the next commit is /dev/full, where every write fails with ENOSPC.
    const wal = `${databasePath}.wal`;
    await warehouse.withWriter((connection) => connection.run('CHECKPOINT pool'));
    expect(existsSync(wal)).toBe(false);
    symlinkSync('/dev/full', wal);
    try {
      const full = load(warehouse, 'M01', 'customers', [PAUL]);
      await expect(full).rejects.toMatchObject({ code: 'unavailable', retry: true });
      const message = ((await full.catch((error: unknown) => error)) as Error).message;
      expect(message).toContain('disk is full');
      expect(message).not.toContain(databasePath);
    } finally {
      rmSync(wal);
    }
    expect(await poolState(warehouse)).toEqual(before);
    // Space is back. DuckDB keeps the log it opened (here /dev/full, on a real disk a file
    // that takes writes again once space is freed), so the test reopens the pool, as a
    // restart would: the same file then loads.
    warehouse = await reopen();
    expect(await poolState(warehouse)).toEqual(before);
    expect((await load(warehouse, 'M01', 'customers', [PAUL])).outcome).toBe('loaded');
    // A full base: C2 replaces C1.
    expect(await poolState(warehouse)).toEqual([{ customers: ['C2'], drops: 2n }]);
  });

  it('says a drop is loaded when the checkpoint its commit sets off fails after the commit', async () => {
    await load(warehouse, 'M01', 'customers', [JEAN]);
    // DuckDB's fault injection: the automatic checkpoint at the drop's commit fails as one
    // does on a full disk, once the commit is in the log, and DuckDB invalidates the pool.
    await warehouse.withWriter(async (connection) => {
      await connection.run(`SET checkpoint_threshold = '1KB'`);
      await connection.run(`SET debug_checkpoint_abort = 'before_header'`);
    });
    const fileDropId = dropId();
    let first: Awaited<ReturnType<typeof load>>;
    try {
      first = await load(warehouse, 'M01', 'customers', [PAUL], { fileDropId });
    } finally {
      await warehouse.withWriter(async (connection) => {
        await connection.run(`SET debug_checkpoint_abort = 'none'`);
        await connection.run('RESET checkpoint_threshold');
      });
    }
    // The pool was attached again, replaying its log: it holds the drop, and the load says
    // so with what it did (not a failure the retry would then call `already_loaded`).
    const loaded = [{ customers: ['C2'], drops: 2n }];
    expect(await poolState(warehouse)).toEqual(loaded);
    expect(first).toMatchObject({
      outcome: 'loaded',
      rows: { total: 1, accepted: 1, rejected: 0 },
      summary: { inserted: 1, removed: 1 },
    });
    const retry = await load(warehouse, 'M01', 'customers', [PAUL], { fileDropId });
    expect(retry).toMatchObject({
      outcome: 'already_loaded',
      summary: first.outcome === 'loaded' ? first.summary : 'not loaded',
    });
    expect(await poolState(warehouse)).toEqual(loaded);
  });

  it('marks the pool file for a rewrite when a drop deletes or overwrites values, not when it re-sends them', async () => {
    const dueReasons = async () => {
      const reasons = await warehouse.withWriter(async (connection) => {
        const due = (
          await connection.runAndReadAll('SELECT reason FROM pool_rewrite_due ORDER BY reason')
        ).getRowsJS();
        await connection.run('DELETE FROM pool_rewrite_due');
        return due;
      });
      return reasons.map((row) => String(row[0]));
    };
    const jean = (email: string) =>
      `C1,M,Jean,DUPONT,Apt 4,Bat B,12 bis avenue Victor Hugo,,75016,PARIS,FR,${email},06 12 34 56 78,01 42 00 00 00,1970-03-12,1,1,0,2025-01-10`;
    // No created_at: the reception date, kept as the earliest on a later re-send.
    const paul =
      'C2,M,Paul,MARTIN,,,3 rue de la Paix,,69003,LYON,FR,paul@exemple.fr,,,1980-01-01,1,0,0,';
    // Collected in 2020, no transaction: held out of the pool, awaiting its transactions.
    const held = 'H1,M,Luc,ANCIEN,,,8 rue Nationale,,59000,LILLE,FR,,,,,1,0,0,2020-01-10';
    const later = { now: new Date('2026-11-25T10:00:00Z') };
    await load(warehouse, 'M01', 'customers', [jean('jean@exemple.fr'), paul, held]);
    await load(warehouse, 'M01', 'transactions', ['C1,T1,2026-10-01,12.50,maison,web']);
    expect(await query(warehouse, 'SELECT customer_id FROM held_records')).toEqual([
      { customer_id: 'H1' },
    ]);
    expect(await dueReasons()).toEqual([]);
    // The same base and transaction again (a day later): nothing stored changes.
    await load(warehouse, 'M01', 'customers', [jean('jean@exemple.fr'), paul, held], later);
    await load(warehouse, 'M01', 'transactions', ['C1,T1,2026-10-01,12.50,maison,web'], later);
    expect(await dueReasons()).toEqual([]);

    // A new email replaces the old one; a re-sent transaction changes its amount.
    await load(warehouse, 'M01', 'customers', [jean('jean.nouveau@exemple.fr')], {
      ...later,
      delta: true,
    });
    expect(await dueReasons()).toEqual(['values_replaced']);
    await load(warehouse, 'M01', 'transactions', ['C1,T1,2026-10-01,15.00,maison,web'], later);
    expect(await dueReasons()).toEqual(['values_replaced']);
    // A full base that no longer lists the held H1 deletes it; then one without C2.
    const jeanNow = jean('jean.nouveau@exemple.fr');
    await load(warehouse, 'M01', 'customers', [jeanNow, paul], later);
    expect(await query(warehouse, 'SELECT customer_id FROM held_records')).toEqual([]);
    expect(await dueReasons()).toEqual(['customers_omitted']);
    const omitted = await load(warehouse, 'M01', 'customers', [jeanNow], later);
    expect(omitted.outcome === 'loaded' && omitted.summary?.removed).toBe(1);
    expect(await query(warehouse, 'SELECT customer_id FROM customer_records')).toEqual([
      { customer_id: 'C1' },
    ]);
    expect(await dueReasons()).toEqual(['customers_omitted']);
  });

  it('applies transactions in either order and deletes records past retention', async () => {
    await load(warehouse, 'M01', 'transactions', [
      'C1,T1,2026-10-01,"12.50",livres,web',
      'C9,T9,2020-01-01,5,livres,web',
    ]);
    await load(warehouse, 'M01', 'customers', [
      'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,,,,1970-03-12,1,1,0,2020-01-10',
      'C2,M,Paul,MARTIN,,,3 rue de la Paix,,69003,LYON,FR,,,,1980-01-01,1,0,0,2021-06-01',
    ]);
    const records = await query(
      warehouse,
      `SELECT customer_id FROM member_records ORDER BY customer_id`,
    );
    // C1 is active thanks to T1; C2 (prospect collected in 2021) is past 36 months and not loaded.
    expect(records.map((row) => row.customer_id)).toEqual(['C1']);
    const activity = await query(
      warehouse,
      `SELECT customer_id, transaction_count FROM record_activity ORDER BY customer_id`,
    );
    expect(activity).toEqual([{ customer_id: 'C1', transaction_count: 1 }]);
  });

  it('refreshes the segments of the customer a re-sent transaction leaves, not only of the one it joins', async () => {
    await load(warehouse, 'M01', 'customers', [
      'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,c1@exemple.fr,,,,1,1,0,2025-01-10',
      'C2,MME,Anne,MARTIN,,,3 rue de la Paix,,69003,LYON,FR,c2@exemple.fr,,,,1,0,0,2025-06-01',
    ]);
    await load(warehouse, 'M01', 'transactions', [
      'C1,T1,2026-10-01,12.50,livres,web',
      'C2,T2,2026-10-02,20,livres,web',
    ]);
    // The member corrects T1: it was C2's purchase, not C1's.
    await load(warehouse, 'M01', 'transactions', ['C2,T1,2026-10-01,12.50,livres,web']);
    const purchases = await query(
      warehouse,
      `SELECT r.customer_id, a.transaction_count, coalesce(sum(p.purchases), 0) AS purchases
       FROM member_records r
       LEFT JOIN record_activity a USING (member_code, customer_id)
       LEFT JOIN person_member_purchases p ON p.person_id = r.person_id AND p.member_code = r.member_code
       GROUP BY r.customer_id, a.transaction_count ORDER BY r.customer_id`,
    );
    expect(purchases).toEqual([
      { customer_id: 'C1', transaction_count: null, purchases: 0n },
      { customer_id: 'C2', transaction_count: 2, purchases: 2n },
    ]);
  });

  it('keeps every customer activity equal to a full recomputation after each kind of drop', async () => {
    // A drop recomputes the activity of the customers it names only: after each kind of
    // drop the stored aggregates must be what a build's full recomputation would store.
    const drift = async () =>
      (
        await query(
          warehouse,
          `WITH expected AS (
             SELECT 'total' AS kind, member_code, customer_id, NULL AS category, NULL AS channel,
               min(transaction_date) AS first, max(transaction_date) AS last, count(*) AS n,
               sum(amount_eur) AS amount
             FROM transactions GROUP BY member_code, customer_id
             UNION ALL
             SELECT 'category', member_code, customer_id, category, channel, min(transaction_date),
               max(transaction_date), count(*), sum(amount_eur)
             FROM transactions GROUP BY member_code, customer_id, category, channel
           ), stored AS (
             SELECT 'total' AS kind, member_code, customer_id, NULL AS category, NULL AS channel,
               first_transaction, last_transaction, transaction_count, amount_eur
             FROM record_activity
             UNION ALL
             SELECT 'category', member_code, customer_id, category, channel, first_transaction,
               last_transaction, transaction_count, amount_eur
             FROM record_category_activity
           )
           SELECT 'missing ' || kind || ' ' || member_code || ' ' || customer_id AS row
           FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM stored)
           UNION ALL
           SELECT 'stale ' || kind || ' ' || member_code || ' ' || customer_id
           FROM (SELECT * FROM stored EXCEPT ALL SELECT * FROM expected)
           ORDER BY 1`,
        )
      ).map((row) => row.row);
    const customer = (id: string, createdAt = '2025-01-10') =>
      `${id},M,Jean${id},DUPONT${id},,,${id.slice(1)} rue de la Paix,,69003,LYON,FR,${id.toLowerCase()}@exemple.fr,,,,1,1,0,${createdAt}`;
    const activity = async () =>
      query(
        warehouse,
        `SELECT member_code || ' ' || customer_id || ' ' || transaction_count AS row
         FROM record_activity ORDER BY 1`,
      );

    // Another member's customer C1: never touched by M01's drops.
    await load(warehouse, 'M02', 'customers', [customer('C1')]);
    await load(warehouse, 'M02', 'transactions', ['C1,T1,2026-10-01,99,voyages,web']);
    // A full base with a prospect collected before the cutoff (held until its transactions).
    await load(warehouse, 'M01', 'customers', [
      customer('C1'),
      customer('C2'),
      customer('C3'),
      customer('C4', '2020-01-01'),
    ]);
    expect(await drift()).toEqual([]);
    // Transactions: the held C4 released, C9 unknown to the pool.
    await load(warehouse, 'M01', 'transactions', [
      'C1,T1,2026-10-01,10,maison,web',
      'C2,T2,2026-09-01,20,maison,magasin',
      'C3,T3,2025-01-01,30,maison,web',
      'C4,T4,2026-08-01,40,jardin,web',
      'C9,T9,2026-07-01,50,maison,web',
    ]);
    expect(await drift()).toEqual([]);
    // Re-sent: T1 moves from C1 to C2, T2's amount changes; C3 buys in another category.
    await load(warehouse, 'M01', 'transactions', [
      'C2,T1,2026-10-01,10,maison,web',
      'C2,T2,2026-09-01,25,maison,magasin',
      'C3,T5,2026-02-01,5,jardin,magasin',
    ]);
    expect(await drift()).toEqual([]);
    // A future-dated transaction a pool loaded before kept: the next drop purges it.
    await warehouse.withWriter((connection) =>
      connection.run(
        `INSERT INTO transactions (member_code, customer_id, transaction_id, transaction_date,
           amount_eur, category, channel, file_drop_id)
         VALUES ('M01', 'C1', 'T6', DATE '2027-06-01', 60, 'maison', 'web', 'earlier-load')`,
      ),
    );
    await load(warehouse, 'M01', 'customers', [customer('C5')], { delta: true });
    expect(await drift()).toEqual([]);
    // A full base omitting C3 and C5: their records go, C3's transactions with them.
    await load(warehouse, 'M01', 'customers', [customer('C1'), customer('C2'), customer('C4')]);
    expect(await drift()).toEqual([]);
    // T4 re-sent with a date past retention: C4 is purged, its activity with it.
    await load(warehouse, 'M01', 'transactions', ['C4,T4,2022-01-01,40,jardin,web']);
    expect(await drift()).toEqual([]);
    expect(await activity()).toEqual([
      { row: 'M01 C2 2' },
      { row: 'M01 C9 1' },
      { row: 'M02 C1 1' },
    ]);
  });

  it('holds an old customer until its transactions arrive, whichever file comes first', async () => {
    const customers = await load(warehouse, 'M01', 'customers', [
      'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,,,,1970-03-12,1,1,0,2020-01-10',
      'C2,M,Paul,MARTIN,,,3 rue de la Paix,,69003,LYON,FR,,,,1980-01-01,1,0,0,2021-06-01',
    ]);
    expect(customers.outcome === 'loaded' && customers.summary).toMatchObject({
      inserted: 0,
      held: 2,
    });
    expect(await query(warehouse, 'SELECT count(*) AS n FROM member_records')).toEqual([{ n: 0n }]);
    const held = await query(
      warehouse,
      'SELECT customer_id, record_id, file_drop_id FROM held_records ORDER BY customer_id',
    );
    expect(held.map((row) => row.customer_id)).toEqual(['C1', 'C2']);
    const transactions = await load(warehouse, 'M01', 'transactions', [
      'C1,T1,2026-10-01,12.50,livres,web',
    ]);
    expect(transactions.outcome === 'loaded' && transactions.summary).toMatchObject({
      releasedFromHold: 1,
      unknownCustomers: 0,
    });
    const records = await query(
      warehouse,
      'SELECT customer_id, person_id IS NOT NULL AS resolved FROM member_records',
    );
    expect(records).toEqual([{ customer_id: 'C1', resolved: true }]);
    // Released in place: the record keeps the ID and the drop (its line's file) it was held with.
    expect(
      await query(warehouse, 'SELECT customer_id, record_id, file_drop_id FROM member_records'),
    ).toEqual([held[0]]);
    expect(await query(warehouse, 'SELECT customer_id FROM held_records')).toEqual([
      { customer_id: 'C2' },
    ]);
    // C2 never gets a transaction: deleted once the holding time is over.
    await load(warehouse, 'M01', 'transactions', [], { now: new Date('2026-12-10T10:00:00Z') });
    expect(await query(warehouse, 'SELECT customer_id FROM held_records')).toEqual([]);
  });

  it('never extends a hold when the member re-sends a held customer', async () => {
    // A prospect collected in 2020, no transaction: held on 2026-11-23 until 2026-11-30.
    const prospect =
      'P1,M,Jean,ANCIEN,,,12 avenue Victor Hugo,,75016,PARIS,FR,p1@exemple.fr,,,,1,0,0,2020-01-10';
    const heldRows = () =>
      query(
        warehouse,
        'SELECT customer_id, record_id, CAST(held_until AS VARCHAR) AS held_until FROM held_records',
      );
    await load(warehouse, 'M01', 'customers', [prospect]);
    const first = await heldRows();
    expect(first).toMatchObject([{ customer_id: 'P1', held_until: '2026-11-30' }]);
    // Re-sent within the hold: still held, with the same record and the same end of hold.
    const again = await load(warehouse, 'M01', 'customers', [prospect], {
      now: new Date('2026-11-28T10:00:00Z'),
    });
    expect(again.outcome === 'loaded' && again.summary).toMatchObject({ held: 1, inserted: 0 });
    expect(await heldRows()).toEqual(first);
    // The purge deletes it once the hold is over, however often it was re-sent.
    await load(warehouse, 'M01', 'transactions', [], { now: new Date('2026-12-01T10:00:00Z') });
    expect(await heldRows()).toEqual([]);
  });

  it('deletes a held customer re-sent after its hold lapsed, as any expired record', async () => {
    const prospect =
      'P1,M,Jean,ANCIEN,,,12 avenue Victor Hugo,,75016,PARIS,FR,p1@exemple.fr,,,,1,0,0,2020-01-10';
    await load(warehouse, 'M01', 'customers', [prospect]);
    // No purge ran in between (no housekeeping, no other drop): the re-send itself decides.
    const late = await load(warehouse, 'M01', 'customers', [prospect], {
      now: new Date('2026-12-02T10:00:00Z'),
    });
    expect(late.outcome === 'loaded' && late.summary).toMatchObject({
      held: 0,
      inserted: 0,
      expiredAtIntake: 1,
    });
    expect(await query(warehouse, 'SELECT customer_id FROM customer_records')).toEqual([]);
  });

  it('keeps the earliest collection date of a known customer re-sent without created_at', async () => {
    const withoutDate = (id: string, createdAt: string) =>
      `${id},M,Luc,SANSDATE,,,8 rue Nationale,,59000,LILLE,FR,${id.toLowerCase()}@exemple.fr,,,,1,0,0,${createdAt}`;
    const created = () =>
      query(
        warehouse,
        'SELECT customer_id, CAST(created_at AS VARCHAR) AS created_at FROM customer_records ORDER BY 1',
      );
    // F3 has no created_at: collected the day its first file came. F4 is held (2020).
    await load(warehouse, 'M01', 'customers', [
      withoutDate('F3', ''),
      withoutDate('F4', '2020-01-10'),
    ]);
    expect(await created()).toEqual([
      { customer_id: 'F3', created_at: '2026-11-23' },
      { customer_id: 'F4', created_at: '2020-01-10' },
    ]);
    // Both re-sent without created_at: they keep their earlier date (F4 stays held).
    const resent = await load(
      warehouse,
      'M01',
      'customers',
      [withoutDate('F3', ''), withoutDate('F4', '')],
      {
        now: new Date('2026-11-25T10:00:00Z'),
      },
    );
    expect(resent.outcome === 'loaded' && resent.summary).toMatchObject({ held: 1, updated: 1 });
    expect(await created()).toEqual([
      { customer_id: 'F3', created_at: '2026-11-23' },
      { customer_id: 'F4', created_at: '2020-01-10' },
    ]);
    // A date the file gives replaces the known one.
    await load(warehouse, 'M01', 'customers', [withoutDate('F3', '2026-01-10')], {
      now: new Date('2026-11-26T10:00:00Z'),
    });
    expect(await created()).toEqual([{ customer_id: 'F3', created_at: '2026-01-10' }]);
    // Still re-sent without a date 36 months later: past retention, deleted.
    const expired = await load(warehouse, 'M01', 'customers', [withoutDate('F3', '')], {
      now: new Date('2029-01-11T10:00:00Z'),
    });
    expect(expired.outcome === 'loaded' && expired.summary).toMatchObject({ removed: 1 });
    expect(await created()).toEqual([]);
  });

  describe('a customer deleted for retention and re-sent', () => {
    const at = (day: string) => ({ now: new Date(`${day}T10:00:00Z`) });
    const kept = () =>
      query(
        warehouse,
        `SELECT customer_id, held_until IS NOT NULL AS held FROM customer_records ORDER BY 1`,
      );
    /** A housekeeping pass on `day`: an empty transactions file runs the purge. */
    const purgeOn = (day: string) => load(warehouse, 'M01', 'transactions', [], at(day));

    it('dates a prospect without created_at by its first file, not by the file re-sending it', async () => {
      const prospect =
        'P1,M,Luc,SANSDATE,,,8 rue Nationale,,59000,LILLE,FR,p1@exemple.fr,,,,1,0,0,';
      await load(warehouse, 'M01', 'customers', [prospect]);
      // 36 months after its first file the purge deletes it.
      await purgeOn('2029-11-24');
      expect(await kept()).toEqual([]);
      // Re-sent still without a date: past retention all the same. Held once (its
      // transactions could be on their way), never in the pool.
      const resent = await load(warehouse, 'M01', 'customers', [prospect], at('2029-12-01'));
      expect(resent.outcome === 'loaded' && resent.summary).toMatchObject({
        inserted: 0,
        held: 1,
      });
      expect(await kept()).toEqual([{ customer_id: 'P1', held: true }]);
      await purgeOn('2029-12-09');
      const again = await load(warehouse, 'M01', 'customers', [prospect], at('2029-12-15'));
      expect(again.outcome === 'loaded' && again.summary).toMatchObject({
        inserted: 0,
        held: 0,
        expiredAtIntake: 1,
      });
      expect(await kept()).toEqual([]);
    });

    it('never holds a customer again once its hold lapsed, until it buys again', async () => {
      const prospect =
        'P1,M,Jean,ANCIEN,,,12 avenue Victor Hugo,,75016,PARIS,FR,p1@exemple.fr,,,,1,0,0,2020-01-10';
      await load(warehouse, 'M01', 'customers', [prospect]);
      await purgeOn('2026-12-01');
      expect(await kept()).toEqual([]);
      // Every later file that lists it drops it at intake instead of holding it a week more.
      for (const day of ['2026-12-05', '2027-01-05']) {
        const resent = await load(warehouse, 'M01', 'customers', [prospect], at(day));
        expect(resent.outcome === 'loaded' && resent.summary).toMatchObject({
          held: 0,
          inserted: 0,
          expiredAtIntake: 1,
        });
        expect(await kept()).toEqual([]);
      }
      // It buys again: its transactions wait for it, and the next file that lists it brings
      // it back into the pool.
      await load(
        warehouse,
        'M01',
        'transactions',
        ['P1,T1,2027-01-20,30,livres,web'],
        at('2027-01-21'),
      );
      const back = await load(warehouse, 'M01', 'customers', [prospect], at('2027-02-05'));
      expect(back.outcome === 'loaded' && back.summary).toMatchObject({ inserted: 1, held: 0 });
      expect(await kept()).toEqual([{ customer_id: 'P1', held: false }]);
      expect(
        await query(warehouse, 'SELECT count(*)::INTEGER AS n FROM retention_tombstones'),
      ).toEqual([{ n: 0 }]);
    });

    it('lets a customer held again come back when its transactions show activity', async () => {
      const prospect =
        'P1,M,Luc,SANSDATE,,,8 rue Nationale,,59000,LILLE,FR,p1@exemple.fr,,,,1,0,0,';
      await load(warehouse, 'M01', 'customers', [prospect]);
      await purgeOn('2029-11-24');
      await load(warehouse, 'M01', 'customers', [prospect], at('2029-12-01'));
      const bought = await load(
        warehouse,
        'M01',
        'transactions',
        ['P1,T1,2029-11-30,30,livres,web'],
        at('2029-12-02'),
      );
      expect(bought.outcome === 'loaded' && bought.summary).toMatchObject({ releasedFromHold: 1 });
      expect(await kept()).toEqual([{ customer_id: 'P1', held: false }]);
      expect(
        await query(warehouse, 'SELECT count(*)::INTEGER AS n FROM retention_tombstones'),
      ).toEqual([{ n: 0 }]);
    });

    it('does not take a collection date from before the deletion as new activity', async () => {
      // Created in the member's CRM in 2025 (a migration), last bought in 2023: past retention.
      const migrated = (createdAt: string) =>
        `C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,c1@exemple.fr,,,,1,1,0,${createdAt}`;
      await load(warehouse, 'M01', 'customers', [migrated('2025-06-01')]);
      await load(warehouse, 'M01', 'transactions', ['C1,T1,2023-01-15,40,livres,web']);
      expect(await kept()).toEqual([]);
      // The same record re-sent: its 2025 date is no activity since the 2023 purchase.
      const resent = await load(
        warehouse,
        'M01',
        'customers',
        [migrated('2025-06-01')],
        at('2026-11-25'),
      );
      expect(resent.outcome === 'loaded' && resent.summary).toMatchObject({ inserted: 0 });
      expect(await query(warehouse, 'SELECT count(*)::INTEGER AS n FROM member_records')).toEqual([
        { n: 0 },
      ]);
      // Collected again after the deletion (a new subscription): a new customer.
      const collected = await load(
        warehouse,
        'M01',
        'customers',
        [migrated('2026-11-24')],
        at('2026-11-26'),
      );
      expect(collected.outcome === 'loaded' && collected.summary).toMatchObject({ inserted: 1 });
    });

    it('keeps no customer ID in its tombstones, and an erasure or offboarding removes them', async () => {
      const prospect = (id: string) =>
        `${id},M,Jean,ANCIEN,,,12 avenue Victor Hugo,,75016,PARIS,FR,${id.toLowerCase()}@exemple.fr,,,,1,0,0,2020-01-10`;
      await load(warehouse, 'M01', 'customers', [prospect('P1'), prospect('P2')]);
      await purgeOn('2026-12-01');
      const tombstones = await query(
        warehouse,
        'SELECT customer_hmac FROM retention_tombstones ORDER BY 1',
      );
      expect(tombstones.map((row) => row.customer_hmac).sort()).toEqual(
        [hmac('M01|P1'), hmac('M01|P2')].sort(),
      );
      const columns = await query(
        warehouse,
        `SELECT column_name FROM duckdb_columns() WHERE table_name = 'retention_tombstones' ORDER BY 1`,
      );
      expect(columns.map((row) => row.column_name)).not.toContain('customer_id');
      const pool = {
        memberSectors: new Map<string, string>(),
        repoussoir: fixedRepoussoirFeed([]),
        hmacSecret: TEST_DROP_HMAC_SECRET,
        now: NOW,
      };
      await eraseMemberCustomers({ warehouse, memberCode: 'M01', customerIds: ['P1'], ...pool });
      expect(await query(warehouse, 'SELECT customer_hmac FROM retention_tombstones')).toEqual([
        { customer_hmac: hmac('M01|P2') },
      ]);
      await deleteMemberData({ warehouse, memberCode: 'M01', ...pool });
      expect(
        await query(warehouse, 'SELECT count(*)::INTEGER AS n FROM retention_tombstones'),
      ).toEqual([{ n: 0 }]);
    });
  });

  it('marks persons matching the repoussoir by any contact point, and keeps them marked on a re-send', async () => {
    const repoussoir = [
      { kind: 'phone' as const, hmac: hmac('+33612345678'), scope: 'all' },
      {
        kind: 'postal' as const,
        hmac: hmac('MARTIN|PAUL|69003|3 RUE DE LA PAIX'),
        scope: 'postal',
      },
    ];
    const lines = [
      'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,,06.12.34.56.78,,1970-03-12,1,1,0,2025-01-10',
      'C3,M,Paul,MARTIN,,,3 r de la Paix,,69003,LYON,FR,,,,1980-01-01,1,0,0,2024-06-01',
      'C4,MME,Anne,MOREAU,,,5 rue Victor Hugo,,75016,PARIS,FR,anne@exemple.fr,,,1990-01-01,1,0,0,2025-06-01',
    ];
    await load(warehouse, 'M01', 'customers', lines, { repoussoir });
    const marked = async () =>
      (
        await query(
          warehouse,
          `SELECT r.customer_id, o.scope FROM person_oppositions o JOIN member_records r USING (person_id) ORDER BY 1`,
        )
      ).map((row) => `${row.customer_id}:${row.scope}`);
    expect(await marked()).toEqual(['C1:all', 'C3:postal']);
    await load(warehouse, 'M01', 'customers', lines, { repoussoir });
    expect(await marked()).toEqual(['C1:all', 'C3:postal']);

    // An erased customer's person is gone, and so is its mark (the refresh names the
    // erased records' persons); an offboarded member's persons' too.
    const marks = async () =>
      (await query(warehouse, 'SELECT count(*)::INTEGER AS n FROM person_oppositions'))[0];
    const pool = {
      memberSectors: new Map<string, string>(),
      repoussoir: fixedRepoussoirFeed(repoussoir),
      hmacSecret: TEST_DROP_HMAC_SECRET,
      now: NOW,
    };
    await eraseMemberCustomers({ warehouse, memberCode: 'M01', customerIds: ['C1'], ...pool });
    expect(await marked()).toEqual(['C3:postal']);
    expect(await marks()).toEqual({ n: 1 });
    await deleteMemberData({ warehouse, memberCode: 'M01', ...pool });
    expect(await marks()).toEqual({ n: 0 });
  });

  it('gives an address with no street line (lieu-dit) a postal identity from its locality', async () => {
    const postal = (value: string, scope: string) => {
      const key = repoussoirKey('postal', value);
      if (!key.ok) throw new Error(`postal entry refused: ${key.reason}`);
      return { kind: 'postal' as const, hmac: hmac(key.value), scope };
    };
    const repoussoir = [
      postal('Lieudit|Paul|24200|Le Bourg', 'postal'),
      postal('Hameau|Anne|24200|4 bis LD Les Granges', 'all'),
      // A street line wins over the locality: this one names no record.
      postal('Ruebourg|Luc|24200|Le Bourg', 'all'),
    ];
    const lines = [
      'L1,M,Paul,LIEUDIT,,,,LE BOURG,24200,SARLAT LA CANEDA,FR,,,,1970-01-01,1,1,1,2026-01-10',
      'L2,MME,Anne,HAMEAU,,,4B,Lieu-dit les Granges,24200,SARLAT LA CANEDA,FR,,,,1971-01-01,1,1,1,2026-01-10',
      'L3,M,Luc,RUEBOURG,,,3 rue de la Paix,Le Bourg,24200,SARLAT LA CANEDA,FR,,,,1972-01-01,1,1,1,2026-01-10',
    ];
    await load(warehouse, 'M01', 'customers', lines, { repoussoir });
    expect(
      await query(
        warehouse,
        'SELECT customer_id, postal_hmac IS NOT NULL AS has_postal FROM member_records ORDER BY 1',
      ),
    ).toEqual([
      { customer_id: 'L1', has_postal: true },
      { customer_id: 'L2', has_postal: true },
      { customer_id: 'L3', has_postal: true },
    ]);
    const marked = await query(
      warehouse,
      `SELECT r.customer_id, o.scope FROM person_oppositions o JOIN member_records r USING (person_id) ORDER BY 1`,
    );
    expect(marked.map((row) => `${row.customer_id}:${row.scope}`)).toEqual(['L1:postal', 'L2:all']);
  });
});
