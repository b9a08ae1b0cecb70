import { testWorkerDeps } from '@alliage/cli/testing';
import {
  type ControlContext,
  createOrganisation,
  getFileDrop,
  SYSTEM_ACTOR,
} from '@alliage/control';
import { createTestControlDb, storeTestDrop, testControlDbKinds } from '@alliage/control/testing';
import { AppError } from '@alliage/domain';
import { createTestQueue, type TestJobQueue, testQueueKinds } from '@alliage/queue/testing';
import { createTestWarehouse } from '@alliage/warehouse/testing';
import { createJobHandlers, scheduleHousekeeping } from '@alliage/worker';
import { afterEach, describe, expect, it } from 'vitest';

const cases = testControlDbKinds().flatMap((db) =>
  testQueueKinds().map((queue) => [db, queue] as const),
);

describe.each(cases)('a drop whose intake job ran out of retries (%s, %s queue)', (db, kind) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('is queued again by the next hourly housekeeping pass, without a restart', async () => {
    const control = await createTestControlDb(db);
    cleanups.push(() => control.close());
    const pool = await createTestWarehouse();
    cleanups.push(() => pool.cleanup());
    const queue: TestJobQueue = createTestQueue(kind, { retry: { attempts: 2, backoffMs: 10 } });
    cleanups.push(() => queue.close());
    const ctx: ControlContext = { db: control.db, clock: () => new Date('2026-12-06T10:00:00Z') };
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
    await scheduleHousekeeping(deps, (name, error) => {
      throw new Error(`${name} could not be queued: ${String(error)}`);
    });
    await queue.drain(60_000);
    // The placeholder file is no PGP message: intake finishes the drop as rejected.
    expect((await getFileDrop(ctx, drop.id)).status).toBe('rejected');
  });
});
