import { testWorkerDeps } from '@alliage/cli/testing';
import {
  type ControlContext,
  cliActor,
  importRepoussoirEntries,
  readRepoussoirHead,
} from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { hmacSha256Hex } from '@alliage/crypto';
import { createInProcessQueue, type JobQueue, silentQueueLogger } from '@alliage/queue';
import { readRepoussoirMirrorHead } from '@alliage/warehouse';
import { createTestWarehouse, insertFixtureRecords } from '@alliage/warehouse/testing';
import { createJobHandlers, scheduleRepoussoirSync, type WorkerDeps } from '@alliage/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const emailHash = (index: number) =>
  hmacSha256Hex('test-only-hmac-secret', `person${index}@example.invalid`);

describe.each(testControlDbKinds())('the repoussoir catch-up job on %s', (kind) => {
  let control: TestControlDb;
  let pool: Awaited<ReturnType<typeof createTestWarehouse>>;
  let queue: JobQueue;
  let deps: WorkerDeps;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    const ctx: ControlContext = { db: control.db, clock: () => new Date() };
    pool = await createTestWarehouse();
    await pool.warehouse.withWriter((connection) =>
      insertFixtureRecords(connection, [
        {
          recordId: 1,
          personId: 1,
          memberCode: 'M01',
          customerId: 'C1',
          createdAt: '2026-01-01',
          emailHmac: emailHash(7),
        },
      ]),
    );
    queue = createInProcessQueue({ logger: silentQueueLogger });
    deps = testWorkerDeps({ ctx, warehouse: pool.warehouse, directory: pool.directory, queue });
    await queue.startWorker(createJobHandlers(deps));
  });
  afterAll(async () => {
    await queue?.close();
    await pool?.cleanup();
    await control?.close();
  });

  const query = async (text: string) => {
    const connection = await pool.warehouse.connect();
    try {
      return (await connection.runAndReadAll(text)).getRowsJS();
    } finally {
      connection.closeSync();
    }
  };

  it('catches the mirror up and marks the persons once per repoussoir version', async () => {
    await importRepoussoirEntries(
      deps.intake.ctx,
      cliActor('test'),
      Array.from({ length: 20 }, (_, index) => ({ kind: 'email', hmac: emailHash(index) })),
      { source: 'national_list' },
    );
    expect(await scheduleRepoussoirSync(deps)).toBe(true);
    await queue.drain(60_000);
    const connection = await pool.warehouse.connect();
    try {
      expect(await readRepoussoirMirrorHead(connection)).toEqual(
        await readRepoussoirHead(deps.intake.ctx),
      );
    } finally {
      connection.closeSync();
    }
    expect(await query('SELECT count(*) FROM repoussoir_hashes')).toEqual([[20n]]);
    expect(await query('SELECT person_id, scope FROM person_oppositions')).toEqual([[1n, 'all']]);
    // Nothing changed since: the same version is not queued again.
    expect(await scheduleRepoussoirSync(deps)).toBe(false);
    // The next change is.
    await importRepoussoirEntries(
      deps.intake.ctx,
      cliActor('test'),
      [{ kind: 'email', hmac: emailHash(100) }],
      {},
    );
    expect(await scheduleRepoussoirSync(deps)).toBe(true);
    await queue.drain(60_000);
    expect(await query('SELECT count(*) FROM repoussoir_hashes')).toEqual([[21n]]);
  });
});
