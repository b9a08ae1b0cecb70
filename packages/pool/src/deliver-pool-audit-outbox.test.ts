// A crash between the pool's commit and the control plane's audit append, simulated
// deterministically: a real trigger makes the control plane refuse the pool's events
// right after the DuckDB commit, then the "restarted" process (the pool file reopened)
// runs its next job. The deletion must still reach the audit chain, exactly once.
import {
  appendAuditEvent,
  appendAuditEventOnce,
  type ControlContext,
  listAuditEvents,
  SYSTEM_ACTOR,
  verifyAuditChain,
} from '@alliage/control';
import { failAuditAppends, type TestControlDb, testControlDbKinds } from '@alliage/control/testing';
import { listAuditOutbox, type TPoolAuditEvent, type TWarehouse } from '@alliage/warehouse';
import { commitTestOutboxEvent, type createTestWarehouse } from '@alliage/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverPoolAuditOutbox, holdPoolAuditEvent } from './deliver-pool-audit-outbox.ts';
import {
  openRetentionTestPool,
  POOL_TEST_HMAC_SECRET,
  readPoolCustomers,
} from './pool-test-fixtures.ts';
import { runPoolBuild } from './run-pool-build.ts';

describe.each(testControlDbKinds())('pool audit outbox (%s)', (kind) => {
  let control: TestControlDb;
  let pool: Awaited<ReturnType<typeof createTestWarehouse>>;
  let warehouse: TWarehouse;
  let now = new Date('2026-11-23T12:00:00Z');
  let ctx: ControlContext;

  beforeAll(async () => {
    ({ control, ctx, pool } = await openRetentionTestPool(kind, () => now));
    warehouse = pool.warehouse;
  });
  afterAll(async () => {
    await pool?.cleanup();
    await control?.close();
  });

  const build = () =>
    runPoolBuild({
      ctx,
      warehouse,
      actor: SYSTEM_ACTOR,
      full: false,
      trigger: 'housekeeping',
      hmacSecret: POOL_TEST_HMAC_SECRET,
    });
  const customers = () => readPoolCustomers(warehouse);
  const poolEvents = async (action: 'pool.purged' | 'pool.built') =>
    (await listAuditEvents(ctx, { action: [action], limit: 50 })).events;

  it('delivers the purge of a build that crashed before its audit append, at the next job after a restart', async () => {
    // 24 months after C1 was collected (2025-06-10), plus a day: C1 goes.
    now = new Date('2027-06-11T12:00:00Z');
    const crash = await failAuditAppends(control.db, "NEW.action IN ('pool.purged', 'pool.built')");
    await expect(build()).rejects.toThrow();
    await crash.restore();
    // The deletion committed in the pool; the chain has no record of it.
    expect(await customers()).toEqual(['C2']);
    expect(await poolEvents('pool.purged')).toEqual([]);

    // The process restarts (the pool file is opened again) and runs its next daily pass.
    warehouse = await pool.reopen();
    await build();
    const purged = await poolEvents('pool.purged');
    expect(purged).toHaveLength(1);
    expect(purged[0]?.details).toMatchObject({
      trigger: 'housekeeping',
      records: 1,
      retentionMonthsByMember: { M01: 24 },
    });
    expect(JSON.stringify(purged[0]?.details)).not.toContain('DUPONT');
    // The crashed build's pool.built too (what happened after its commit is not known),
    // then the new one's.
    const built = await poolEvents('pool.built');
    expect(built.map((event) => event.details.poolRewrite)).toEqual(
      expect.arrayContaining([{ unknown: true }]),
    );
    expect(built).toHaveLength(2);
    expect(await listAuditOutbox(warehouse)).toEqual([]);
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  });

  it('appends an event once when a delivery is redone after a crash between the append and the removal', async () => {
    const outboxId = await commitTestOutboxEvent(warehouse, {
      trigger: 'housekeeping',
      records: 3,
    });
    // A delivery appends the pending events, and the process dies before removing them.
    const [pending] = await listAuditOutbox(warehouse);
    expect(pending?.outboxId).toBe(outboxId);
    await control.db.transaction().execute(async (trx) => {
      const { outboxId: id, erasure: _erasure, ...event } = pending as TPoolAuditEvent;
      await appendAuditEventOnce(trx, ctx.clock, id, event);
    });
    warehouse = await pool.reopen();
    expect(await deliverPoolAuditOutbox({ ctx, warehouse })).toBe(1);
    const delivered = (await poolEvents('pool.purged')).filter(
      (event) => event.details.outboxId === outboxId,
    );
    expect(delivered).toHaveLength(1);
    expect(await listAuditOutbox(warehouse)).toEqual([]);
    expect(await deliverPoolAuditOutbox({ ctx, warehouse })).toBe(0);
    // The chain itself refuses a second event with the same outbox ID.
    await expect(
      appendAuditEvent(ctx.db, ctx.clock, {
        action: 'pool.purged',
        actor: SYSTEM_ACTOR,
        objectType: 'pool',
        details: { outboxId },
      }),
    ).rejects.toThrow();
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  });

  it("leaves a running build's event to it, which delivers it with what it learnt after the commit", async () => {
    const outboxId = await commitTestOutboxEvent(warehouse, { trigger: 'housekeeping' });
    const release = holdPoolAuditEvent(warehouse, outboxId);
    try {
      // Another change's delivery meanwhile (an erasure's) does not take it.
      expect(await deliverPoolAuditOutbox({ ctx, warehouse })).toBe(0);
      expect((await listAuditOutbox(warehouse)).map((event) => event.outboxId)).toEqual([outboxId]);
      const amend = new Map([[outboxId, { poolRewrite: null }]]);
      expect(await deliverPoolAuditOutbox({ ctx, warehouse, amend })).toBe(1);
    } finally {
      release();
    }
    const delivered = (await poolEvents('pool.purged')).find(
      (event) => event.details.outboxId === outboxId,
    );
    expect(delivered?.details).toEqual({ trigger: 'housekeeping', poolRewrite: null, outboxId });
  });
});
