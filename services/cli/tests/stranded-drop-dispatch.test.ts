import { testWorkerDeps } from '@alliage/cli/testing';
import {
  type ControlContext,
  createOrganisation,
  getFileDrop,
  listAlerts,
  SYSTEM_ACTOR,
} from '@alliage/control';
import {
  createTestControlDb,
  failAuditAppends,
  storeTestDrop,
  testControlDbKinds,
} from '@alliage/control/testing';
import { AppError, STUCK_DROP_FAILED_HOURS } from '@alliage/domain';
import { createTestQueue, type TestJobQueue, testQueueKinds } from '@alliage/queue/testing';
import { createTestWarehouse } from '@alliage/warehouse/testing';
import { createJobHandlers, scheduleHousekeeping, type WorkerDeps } from '@alliage/worker';
import { afterEach, describe, expect, it } from 'vitest';

const cases = testControlDbKinds().flatMap((db) =>
  testQueueKinds().map((queue) => [db, queue] as const),
);

const HOUR_MS = 60 * 60 * 1000;
const RECEIVED_AT = new Date('2026-12-06T10:00:00Z');

describe.each(cases)('a drop whose intake job ran out of retries (%s, %s queue)', (db, kind) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A control plane with member M01, a pool and a queue retrying twice; `now` is the clock. */
  async function setUp() {
    const control = await createTestControlDb(db);
    cleanups.push(() => control.close());
    const pool = await createTestWarehouse();
    cleanups.push(() => pool.cleanup());
    const queue: TestJobQueue = createTestQueue(kind, { retry: { attempts: 2, backoffMs: 10 } });
    cleanups.push(() => queue.close());
    const clock = { now: RECEIVED_AT };
    const ctx: ControlContext = { db: control.db, clock: () => clock.now };
    const deps = testWorkerDeps({
      ctx,
      warehouse: pool.warehouse,
      directory: pool.directory,
      queue,
    });
    await createOrganisation(ctx, SYSTEM_ACTOR, {
      code: 'M01',
      name: 'Member M01',
      kind: 'member',
      sector: 'automobile',
    });
    return { control, queue, clock, ctx, deps };
  }

  /** The runtime's hourly pass, and the jobs it queued run to their end. */
  async function housekeepingPass(deps: WorkerDeps, queue: TestJobQueue): Promise<void> {
    await scheduleHousekeeping(deps, (name, error) => {
      throw new Error(`${name} could not be queued: ${String(error)}`);
    });
    await queue.drain(60_000);
  }

  it('is queued again by the next hourly housekeeping pass, without a restart', async () => {
    const { queue, ctx, deps } = await setUp();

    // An outage (the database restarting) longer than the job's whole retry window.
    let outage = true;
    const handlers = createJobHandlers(deps);
    const processFile = handlers['intake.process-file']!;
    await queue.startWorker({
      ...handlers,
      'intake.process-file': async (payload, job) => {
        if (outage) throw new AppError('unavailable', 'control plane unreachable', { retry: true });
        await processFile(payload, job);
      },
    });
    const drop = await storeTestDrop(ctx, {
      organisationCode: 'M01',
      dropStore: deps.intake.dropStore,
      status: 'received',
    });
    await queue.enqueue('intake.process-file', { fileDropId: drop.id }, { jobId: drop.id });
    await queue.drain(60_000);
    expect((await getFileDrop(ctx, drop.id)).status).toBe('received');

    // The outage is over; the worker keeps running and only its hourly pass comes by.
    outage = false;
    await housekeepingPass(deps, queue);
    // The placeholder file is no PGP message: intake finishes the drop as rejected.
    expect((await getFileDrop(ctx, drop.id)).status).toBe('rejected');
  });

  it('raises one drop_stuck alert once unfinished past the threshold, not one an hour', async () => {
    const { control, queue, clock, ctx, deps } = await setUp();
    // Every attempt fails where it records its outcome (the database refuses it), with an
    // error that looks transient: the real intake job retries it, then the hourly pass.
    const refusal = await failAuditAppends(control.db, "NEW.action = 'file.rejected'");
    await queue.startWorker(createJobHandlers(deps));
    const drop = await storeTestDrop(ctx, {
      organisationCode: 'M01',
      dropStore: deps.intake.dropStore,
      status: 'received',
    });
    await queue.enqueue('intake.process-file', { fileDropId: drop.id }, { jobId: drop.id });
    await queue.drain(60_000);
    const failed = await getFileDrop(ctx, drop.id);
    expect(failed.status).toBe('processing');
    expect(failed.attempts).toBe(2);
    expect(failed.lastErrorCode).toBe('P0001');

    const stuckAlerts = async () =>
      (await listAlerts(ctx)).filter((alert) => alert.kind === 'drop_stuck');
    const passAt = async (hours: number) => {
      clock.now = new Date(RECEIVED_AT.getTime() + hours * HOUR_MS);
      await housekeepingPass(deps, queue);
    };

    for (let hours = 1; hours < STUCK_DROP_FAILED_HOURS; hours += 1) {
      await passAt(hours);
      expect(await stuckAlerts(), `hour ${hours}`).toEqual([]);
    }
    await passAt(STUCK_DROP_FAILED_HOURS);
    const [alert, ...more] = await stuckAlerts();
    expect(more).toEqual([]);
    const atAlert = await getFileDrop(ctx, drop.id);
    expect(atAlert.status).toBe('processing');
    expect(alert?.severity).toBe('warning');
    expect(alert?.createdAt).toEqual(clock.now);
    expect(alert?.details).toEqual({
      reason: 'drop_stuck',
      fileDropId: drop.id,
      organisationCode: 'M01',
      status: 'processing',
      // The pass read the drop before queueing its round of this hour.
      attempts: atAlert.attempts - 2,
      receivedAt: RECEIVED_AT.toISOString(),
      hoursUnfinished: STUCK_DROP_FAILED_HOURS,
      lastErrorCode: 'P0001',
    });
    // Every failed round of the hourly re-dispatch went through the real job.
    expect(atAlert.attempts).toBe(2 * (STUCK_DROP_FAILED_HOURS + 1));

    // Still failing: later passes keep retrying it, but add no alert.
    for (
      let hours = STUCK_DROP_FAILED_HOURS + 1;
      hours <= STUCK_DROP_FAILED_HOURS + 3;
      hours += 1
    ) {
      await passAt(hours);
      expect(
        (await stuckAlerts()).map((open) => open.id),
        `hour ${hours}`,
      ).toEqual([alert?.id]);
    }

    // The cause is fixed: the next pass finishes the drop (the placeholder is no PGP
    // message, so it is rejected), and nothing more is raised for it.
    await refusal.restore();
    await passAt(STUCK_DROP_FAILED_HOURS + 4);
    expect((await getFileDrop(ctx, drop.id)).status).toBe('rejected');
    await passAt(STUCK_DROP_FAILED_HOURS + 5);
    expect((await stuckAlerts()).map((open) => open.id)).toEqual([alert?.id]);
  });
});
