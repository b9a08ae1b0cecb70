import { existsSync } from 'node:fs';
import path from 'node:path';
import { testWorkerDeps } from '@alliage/cli/testing';
import {
  type ControlContext,
  createOrganisation,
  listLatestAuditEvents,
  SYSTEM_ACTOR,
} from '@alliage/control';
import {
  createTestControlDb,
  storeTestDrop,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { createInProcessQueue, type JobQueue, silentQueueLogger } from '@alliage/queue';
import { createTestWarehouse } from '@alliage/warehouse/testing';
import {
  createJobHandlers,
  scheduleDailyDropFileHousekeeping,
  type WorkerDeps,
} from '@alliage/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DAY_MS = 24 * 60 * 60 * 1000;

describe.each(testControlDbKinds())('the daily drop-store housekeeping job on %s', (kind) => {
  let control: TestControlDb;
  let pool: Awaited<ReturnType<typeof createTestWarehouse>>;
  let queue: JobQueue;
  let deps: WorkerDeps;
  let now = new Date('2026-11-01T09:00:00Z');

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    const ctx: ControlContext = { db: control.db, clock: () => now };
    pool = await createTestWarehouse();
    queue = createInProcessQueue({ logger: silentQueueLogger });
    deps = testWorkerDeps({ ctx, warehouse: pool.warehouse, directory: pool.directory, queue });
    await createOrganisation(ctx, SYSTEM_ACTOR, {
      code: 'M01',
      name: 'Member M01',
      kind: 'member',
      sector: 'automobile',
    });
    await queue.startWorker(createJobHandlers(deps));
  });
  afterAll(async () => {
    await queue?.close();
    await pool?.cleanup();
    await control?.close();
  });

  it("deletes processed drops' encrypted files once their retention has passed", async () => {
    const old = await storeTestDrop(deps.intake.ctx, {
      organisationCode: 'M01',
      dropStore: deps.intake.dropStore,
      status: 'accepted',
    });
    const waiting = await storeTestDrop(deps.intake.ctx, {
      organisationCode: 'M01',
      dropStore: deps.intake.dropStore,
      status: 'received',
    });
    now = new Date(now.getTime() + 5 * DAY_MS);
    const recent = await storeTestDrop(deps.intake.ctx, {
      organisationCode: 'M01',
      dropStore: deps.intake.dropStore,
      status: 'rejected',
    });
    const fileOf = (id: string) => path.join(deps.intake.dropStore, 'M01', id);

    // Eight days after the first drop finished: its file goes, the others stay.
    now = new Date(now.getTime() + 3 * DAY_MS);
    expect(await scheduleDailyDropFileHousekeeping(deps)).toBe(true);
    await queue.drain(60_000);
    expect(existsSync(fileOf(old.id))).toBe(false);
    expect(existsSync(fileOf(waiting.id))).toBe(true);
    expect(existsSync(fileOf(recent.id))).toBe(true);
    const [event] = await listLatestAuditEvents(deps.intake.ctx, 1);
    expect(event).toMatchObject({
      action: 'file.purged',
      details: { reason: 'retention', retentionDays: 7, removed: 1, kept: 2, unknown: 0 },
    });

    // The same day's job is not run twice; four days later, the rejected file's 7 days are
    // over and that day's job takes it too.
    expect(await scheduleDailyDropFileHousekeeping(deps)).toBe(false);
    now = new Date(now.getTime() + 4 * DAY_MS);
    expect(await scheduleDailyDropFileHousekeeping(deps)).toBe(true);
    await queue.drain(60_000);
    expect(existsSync(fileOf(recent.id))).toBe(false);
    expect(existsSync(fileOf(waiting.id))).toBe(true);
  });
});
