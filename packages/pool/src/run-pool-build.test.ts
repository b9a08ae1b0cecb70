import { stat } from 'node:fs/promises';
import { type ControlContext, listLatestAuditEvents, SYSTEM_ACTOR } from '@alliage/control';
import { type TestControlDb, testControlDbKinds } from '@alliage/control/testing';
import { findValuesInPoolFiles } from '@alliage/warehouse';
import type { createTestWarehouse } from '@alliage/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CUSTOMER_C2,
  loadTestCustomers,
  openRetentionTestPool,
  POOL_TEST_HMAC_SECRET,
  readPoolCustomers,
} from './pool-test-fixtures.ts';
import { runPoolBuild } from './run-pool-build.ts';

const CUSTOMER_C3 =
  'C3,M,Paul,QUOKKAPURGE,,,8 rue Nationale,,59000,LILLE,FR,,,,1971-02-02,1,0,0,2025-07-01';
const OLD_EMAIL = 'lise.quokkaold@example-rewrite.test';
const NEW_EMAIL = 'lise.quokkanew@example-rewrite.test';
const customerC5 = (email: string) =>
  `C5,MME,Lise,OKAPI,,,2 rue Basse,,59000,LILLE,FR,${email},,,1985-05-05,1,0,0,2027-06-15`;

describe.each(testControlDbKinds())('runPoolBuild (%s)', (kind) => {
  let control: TestControlDb;
  let pool: Awaited<ReturnType<typeof createTestWarehouse>>;
  let now = new Date('2026-11-23T12:00:00Z');
  let ctx: ControlContext;

  beforeAll(async () => {
    ({ control, ctx, pool } = await openRetentionTestPool(kind, () => now));
  });
  afterAll(async () => {
    await pool?.cleanup();
    await control?.close();
  });

  function load(dropNumber: number, delta: boolean, lines: string[]) {
    return loadTestCustomers({ warehouse: pool.warehouse, ctx, dropNumber, delta, lines, now });
  }

  /** The daily pass (or, with `operator`, `alliage pool build`) at the test clock. */
  function build(trigger: 'operator' | 'housekeeping' = 'housekeeping', full = false) {
    return runPoolBuild({
      ctx,
      warehouse: pool.warehouse,
      actor: SYSTEM_ACTOR,
      full,
      trigger,
      hmacSecret: POOL_TEST_HMAC_SECRET,
    });
  }

  /** The values a byte search finds in the pool's files (none at all when encrypted at rest). */
  async function inPoolBytes(values: string[]): Promise<string[]> {
    return (await findValuesInPoolFiles(pool.warehouse, values)).found.sort();
  }
  const seesBytes = () => !pool.warehouse.encryptionAtRest;

  async function personRows(sql: string): Promise<number[]> {
    const connection = await pool.warehouse.connect();
    const rows = (await connection.runAndReadAll(sql)).getRowsJS();
    connection.closeSync();
    return rows.map((row) => Number(row[0]));
  }

  const customers = () => readPoolCustomers(pool.warehouse);

  it('deletes records once the clock passes their member retention, and audits the counts', async () => {
    await build();
    expect(await customers()).toEqual(['C1', 'C2']);
    // Both persons were delivered to a client, M01 supplying (as a delivery records it).
    await pool.warehouse.withWriter(async (connection) => {
      await connection.run(
        "INSERT INTO delivered_persons SELECT 'C01', 'dlv-1', person_id, DATE '2026-11-01' FROM persons",
      );
      await connection.run(
        "INSERT INTO delivered_person_suppliers SELECT 'dlv-1', person_id, 'M01' FROM persons",
      );
    });
    const c2Person = async () =>
      (await personRows("SELECT person_id FROM member_records WHERE customer_id = 'C2'"))[0];

    // 24 months after C1 was collected (2025-06-10), plus a day.
    now = new Date('2027-06-11T12:00:00Z');
    const changes = await build();
    expect(changes.purged.records).toBe(1);
    expect(changes.identities.personsGone).toBe(1);
    // "Delivered to client X" goes with the person that is gone; the other person's stays.
    expect(changes.deliveredPersonsRows).toBe(1);
    expect(await personRows('SELECT person_id FROM delivered_persons')).toEqual([await c2Person()]);
    // So does which member supplied it.
    expect(changes.deliverySupplierRows).toBe(1);
    expect(await personRows('SELECT person_id FROM delivered_person_suppliers')).toEqual([
      await c2Person(),
    ]);
    expect(await customers()).toEqual(['C2']);
    const connection = await pool.warehouse.connect();
    const persons = (await connection.runAndReadAll('SELECT count(*) FROM persons')).getRowsJS();
    connection.closeSync();
    expect(Number(persons[0]?.[0])).toBe(1);
    const [purged, built] = await listLatestAuditEvents(ctx, 2);
    expect(built?.action).toBe('pool.built');
    expect(purged).toMatchObject({
      action: 'pool.purged',
      details: { trigger: 'housekeeping', records: 1, retentionMonthsByMember: { M01: 24 } },
    });
    expect(JSON.stringify(purged?.details)).not.toContain('DUPONT');
    // Deleted, not hidden: the pool file was rewritten, so the purged values are gone
    // from its bytes too (a checkpoint leaves them in free blocks).
    expect(await inPoolBytes(['DUPONT', 'MOREAU'])).toEqual(seesBytes() ? ['MOREAU'] : []);
    expect(changes.rewrite?.reasons).toEqual(['retention']);
    expect(built?.details).toMatchObject({
      poolRewrite: { reasons: ['retention'], sha256: changes.rewrite?.sha256 },
    });
  });

  it('rewrites the pool file at the next build after a drop purged records, and only once', async () => {
    // C3 is collected within retention, and in the file.
    expect((await load(2, true, [CUSTOMER_C3])).outcome).toBe('loaded');
    await build();
    expect(await customers()).toEqual(['C2', 'C3']);
    // 24 months after C3 (2025-07-01): the next drop's own purge deletes it.
    now = new Date('2027-07-02T12:00:00Z');
    const drop = await load(3, true, [
      'C4,M,Luc,NOUVEAU,,,8 rue Nationale,,59000,LILLE,FR,,,,1975-05-05,1,0,0,2027-06-01',
    ]);
    expect(drop.outcome === 'loaded' && drop.summary?.pool.purged.records).toBe(1);
    expect(await customers()).toEqual(['C2', 'C4']);
    // `alliage pool build` (or the daily pass) finds nothing to purge, yet rewrites the file.
    const changes = await build('operator');
    expect(changes.purged.records).toBe(0);
    expect(await inPoolBytes(['QUOKKAPURGE', 'MOREAU'])).toEqual(seesBytes() ? ['MOREAU'] : []);
    expect(changes.rewrite?.reasons).toEqual(['retention']);
    // Nothing deleted since: no second rewrite.
    expect((await build('operator')).rewrite).toBeNull();
  });

  it('checkpoints the pool file after the housekeeping pass and a full build, not after an incremental operator build', async () => {
    const walBytes = async () =>
      (await stat(`${pool.databasePath}.wal`).catch(() => ({ size: 0 }))).size;
    await build('operator');
    expect(await walBytes()).toBeGreaterThan(0);
    await build('housekeeping');
    expect(await walBytes()).toBe(0);
    await build('operator');
    expect(await walBytes()).toBeGreaterThan(0);
    await build('operator', true);
    expect(await walBytes()).toBe(0);
  });

  it('rewrites the pool file after a later file replaced a stored value, and not for an unchanged re-send', async () => {
    expect((await load(4, true, [customerC5(OLD_EMAIL)])).outcome).toBe('loaded');
    await build();
    expect(await inPoolBytes([OLD_EMAIL])).toEqual(seesBytes() ? [OLD_EMAIL] : []);
    // The same customer again, unchanged: its record is written again, no value is lost.
    expect((await load(5, true, [customerC5(OLD_EMAIL)])).outcome).toBe('loaded');
    expect((await build()).rewrite).toBeNull();

    // A new email replaces the old one: the old one must not stay in free blocks.
    expect((await load(6, true, [customerC5(NEW_EMAIL)])).outcome).toBe('loaded');
    const changes = await build();
    expect(await inPoolBytes([OLD_EMAIL, NEW_EMAIL])).toEqual(seesBytes() ? [NEW_EMAIL] : []);
    expect(changes.rewrite?.reasons).toEqual(['values_replaced']);
  });

  it('rewrites the pool file after a full customers file omitted customers', async () => {
    expect(await customers()).toEqual(['C2', 'C4', 'C5']);
    // A full base without C4 (NOUVEAU): C4 leaves the pool, C2 and C5 are re-sent unchanged.
    const drop = await load(7, false, [CUSTOMER_C2, customerC5(NEW_EMAIL)]);
    expect(drop.outcome === 'loaded' && drop.summary?.removed).toBe(1);
    expect(await customers()).toEqual(['C2', 'C5']);
    const changes = await build();
    expect(await inPoolBytes(['NOUVEAU', 'MOREAU'])).toEqual(seesBytes() ? ['MOREAU'] : []);
    expect(changes.rewrite?.reasons).toEqual(['customers_omitted']);
  });

  it('deletes a transaction dated after tomorrow that a pool loaded before intake refused it, and audits the count', async () => {
    // As a pool loaded before intake checked dates holds it: C2 "bought in 2099".
    await pool.warehouse.withWriter((connection) =>
      connection.run(
        "INSERT INTO transactions VALUES ('M01', 'C2', 'T2099', DATE '2099-01-01', 10.00, 'quokkacategory', 'web', 'drop-old')",
      ),
    );
    const changes = await build();
    expect(changes.purged).toMatchObject({ futureTransactions: 1, futureRecords: 0, records: 0 });
    expect(await personRows("SELECT count(*) FROM transactions WHERE customer_id = 'C2'")).toEqual([
      0,
    ]);
    const [purged, built] = await listLatestAuditEvents(ctx, 2);
    expect(purged).toMatchObject({
      action: 'pool.purged',
      details: { trigger: 'housekeeping', futureTransactions: 1, futureRecords: 0, records: 0 },
    });
    expect(JSON.stringify(purged?.details)).not.toContain('2099');
    expect(built?.details).toMatchObject({ poolRewrite: { reasons: ['future_dated'] } });
    expect(await inPoolBytes(['quokkacategory'])).toEqual([]);
  });
});
