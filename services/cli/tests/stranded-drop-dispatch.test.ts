import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { testWorkerDeps } from '@alliage/cli/testing';
import {
  type ControlContext,
  createOrganisation,
  getFileDrop,
  listAlerts,
  listAuditEvents,
  listPendingFileDrops,
  retryFileDrop,
  SYSTEM_ACTOR,
} from '@alliage/control';
import {
  createTestControlDb,
  failAuditAppends,
  storeTestDrop,
  testControlDbKinds,
  testStaffActor,
} from '@alliage/control/testing';
import {
  ABANDONED_DROP_DAYS,
  AppError,
  STUCK_DROP_FAILED_HOURS,
  toMemberDropErrorCode,
} from '@alliage/domain';
import { createTestQueue, type TestJobQueue, testQueueKinds } from '@alliage/queue/testing';
import { createTestWarehouse } from '@alliage/warehouse/testing';
import { createJobHandlers, scheduleHousekeeping, type WorkerDeps } from '@alliage/worker';
import { afterEach, describe, expect, it } from 'vitest';

const cases = testControlDbKinds().flatMap((db) =>
  testQueueKinds().map((queue) => [db, queue] as const),
);

const HOUR_MS = 60 * 60 * 1000;
const OPERATOR = testStaffActor();
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

  /** A drop of M01 received now, and its intake job run to its end by the started worker. */
  async function storeAndRunDrop(queue: TestJobQueue, ctx: ControlContext, deps: WorkerDeps) {
    const drop = await storeTestDrop(ctx, {
      organisationCode: 'M01',
      dropStore: deps.intake.dropStore,
      status: 'received',
    });
    await queue.enqueue('intake.process-file', { fileDropId: drop.id }, { jobId: drop.id });
    await queue.drain(60_000);
    return drop;
  }

  /**
   * A drop whose every attempt fails where it records its outcome (the database refuses
   * it), with an error that looks transient: the real intake job retries it, then the
   * hourly pass. Its first round has run.
   */
  async function failingDrop(
    control: Awaited<ReturnType<typeof setUp>>['control'],
    queue: TestJobQueue,
    ctx: ControlContext,
    deps: WorkerDeps,
  ) {
    const refusal = await failAuditAppends(control.db, "NEW.action = 'file.rejected'");
    await queue.startWorker(createJobHandlers(deps));
    const drop = await storeAndRunDrop(queue, ctx, deps);
    return { refusal, drop };
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
    const drop = await storeAndRunDrop(queue, ctx, deps);
    expect((await getFileDrop(ctx, drop.id)).status).toBe('received');

    // The outage is over; the worker keeps running and only its hourly pass comes by.
    outage = false;
    await housekeepingPass(deps, queue);
    // The placeholder file is no PGP message: intake finishes the drop as rejected.
    expect((await getFileDrop(ctx, drop.id)).status).toBe('rejected');
  });

  it('raises one drop_stuck alert once unfinished past the threshold, not one an hour', async () => {
    const { control, queue, clock, ctx, deps } = await setUp();
    const { refusal, drop } = await failingDrop(control, queue, ctx, deps);
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

  it('gives up on it after a week of failures: abandoned, reported, audited, never queued again', async () => {
    const { control, queue, clock, ctx, deps } = await setUp();
    const { drop, refusal } = await failingDrop(control, queue, ctx, deps);
    const passAt = async (hours: number) => {
      clock.now = new Date(RECEIVED_AT.getTime() + hours * HOUR_MS);
      await housekeepingPass(deps, queue);
    };

    // Up to the last hour before the threshold, every pass retries it.
    const lastRetryHour = ABANDONED_DROP_DAYS * 24 - 1;
    await passAt(STUCK_DROP_FAILED_HOURS);
    await passAt(lastRetryHour);
    const beforeThreshold = await getFileDrop(ctx, drop.id);
    expect(beforeThreshold.status).toBe('processing');
    expect(beforeThreshold.attempts).toBe(2 * 3);

    await passAt(ABANDONED_DROP_DAYS * 24);
    const abandoned = await getFileDrop(ctx, drop.id);
    expect(abandoned.status).toBe('abandoned');
    expect(abandoned.attempts).toBe(beforeThreshold.attempts);
    expect(abandoned.finishedAt).toEqual(clock.now);
    expect(abandoned.rejectionReason).toBeNull();
    expect(await listPendingFileDrops(ctx)).toEqual([]);
    // What GET /v1/files tells the member of it: the failure the platform gave up on.
    expect(toMemberDropErrorCode(abandoned)).toBe('platform_error');

    // The member's report says the file was not processed, and not that it is at fault.
    const reportsDir = path.join(deps.intake.sftpRoot, 'M01', 'reports');
    const report = JSON.parse(
      await readFile(path.join(reportsDir, `${drop.fileName}.report.json`), 'utf8'),
    );
    expect(report).toMatchObject({
      fileDropId: drop.id,
      status: 'abandoned',
      rejection: null,
      abandonment: {
        reason: 'platform_failures',
        attempts: beforeThreshold.attempts,
        lastErrorCode: 'platform_error',
      },
    });
    expect(abandoned.report).toEqual(report);
    const text = await readFile(path.join(reportsDir, `${drop.fileName}.report.txt`), 'utf8');
    expect(text).toContain('status    ABANDONED');
    expect(text).toContain('not processed');

    const events = (await listAuditEvents(ctx, { action: 'file.abandoned' })).events;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      objectType: 'file_drop',
      objectId: drop.id,
      organisationCode: 'M01',
      details: { attempts: beforeThreshold.attempts, lastErrorCode: 'P0001', rows: null },
    });

    // Later passes neither retry it nor give up on it again.
    await passAt(ABANDONED_DROP_DAYS * 24 + 1);
    expect(await getFileDrop(ctx, drop.id)).toEqual(abandoned);
    expect((await listAuditEvents(ctx, { action: 'file.abandoned' })).events).toHaveLength(1);

    // The cause fixed, an operator retries it: the next pass queues it (under a new job
    // key) and intake finishes it: rejected, as M01 has no signing key for this placeholder.
    await refusal.restore();
    const retried = await retryFileDrop(ctx, OPERATOR, drop.id);
    expect(retried).toMatchObject({ status: 'received', attempts: 0, retriedAt: clock.now });
    await passAt(ABANDONED_DROP_DAYS * 24 + 2);
    expect(await getFileDrop(ctx, drop.id)).toMatchObject({
      status: 'rejected',
      attempts: 1,
      rejectionReason: 'no_signing_key',
    });
  });
});
