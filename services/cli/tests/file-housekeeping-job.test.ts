import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { testWorkerDeps } from '@alliage/cli/testing';
import type { ControlContext } from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { createInProcessQueue, type JobQueue, silentQueueLogger } from '@alliage/queue';
import { createTestWarehouse } from '@alliage/warehouse/testing';
import { createJobHandlers } from '@alliage/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const NOW = new Date('2026-12-06T03:00:00Z');

describe.each(testControlDbKinds())('the daily file housekeeping job on %s', (kind) => {
  let control: TestControlDb;
  let pool: Awaited<ReturnType<typeof createTestWarehouse>>;
  let queue: JobQueue;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    pool = await createTestWarehouse();
    queue = createInProcessQueue({ logger: silentQueueLogger });
  });
  afterAll(async () => {
    await queue?.close();
    await pool?.cleanup();
    await control?.close();
  });

  it('deletes the exports members had their retention days to fetch', async () => {
    const ctx: ControlContext = { db: control.db, clock: () => NOW };
    const deps = testWorkerDeps({
      ctx,
      warehouse: pool.warehouse,
      directory: pool.directory,
      queue,
    });
    const reports = path.join(deps.intake.sftpRoot, 'M01', 'reports');
    mkdirSync(reports, { recursive: true });
    const exportFile = (name: string, daysAgo: number) => {
      const file = path.join(reports, name);
      writeFileSync(file, 'test-only');
      const when = new Date(NOW.getTime() - daysAgo * 86_400_000);
      utimesSync(file, when, when);
      return file;
    };
    const old = exportFile('offboarding-20261001-customers.csv.gpg', 66);
    const recent = exportFile('offboarding-20261201-customers.csv.gpg', 5);

    await queue.startWorker(createJobHandlers(deps));
    await queue.enqueue(
      'housekeeping.drop-files',
      { day: '2026-12-06' },
      { jobId: 'drop-files-test' },
    );
    await queue.drain(60_000);

    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });
});
