import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliEnv, runCli, startServe, stopProcess, useRealBackends } from '@alliage/cli/testing';
import { listAuditEvents, openControlDb } from '@alliage/control';
import { afterEach, describe, expect, it } from 'vitest';

describe('one pool per platform, from the command line', () => {
  const directories: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    for (const directory of directories.splice(0))
      rmSync(directory, { recursive: true, force: true });
  });

  function dataDir(): string {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'alliage-pool-identity-'));
    directories.push(directory);
    return directory;
  }

  it('serve refuses a data directory whose pool is lost until the operator adopts a new one (embedded)', async () => {
    const directory = dataDir();
    const env = cliEnv({ ALLIAGE_DATA_DIR: directory, ALLIAGE_HTTP_PORT: '0' });
    await stopProcess((await startServe(env)).child);
    rmSync(path.join(directory, 'pool'), { recursive: true, force: true });

    const refused = await startServe(env).then(
      async (serve) => {
        await stopProcess(serve.child);
        return 'started';
      },
      (error: Error) => error.message,
    );
    expect(refused).toContain('serve exited with 1');
    expect(refused).toContain(`the data directory ${directory} has no pool`);
    expect(refused).toContain('alliage pool adopt --confirm');

    const unconfirmed = await runCli(['pool', 'adopt'], env);
    expect(unconfirmed.code).toBe(2);
    const adopted = await runCli(['pool', 'adopt', '--confirm', '--json'], env);
    expect(adopted.code, adopted.stderr).toBe(0);
    const { poolId, previousPoolId } = JSON.parse(adopted.stdout);
    expect(previousPoolId).toEqual(expect.any(String));
    expect(poolId).not.toBe(previousPoolId);

    const control = await openControlDb({ pgliteDir: path.join(directory, 'pglite') });
    try {
      const { events } = await listAuditEvents(
        { db: control.db, clock: () => new Date() },
        { action: ['pool.registered', 'pool.adopted'] },
      );
      expect(events.map((event) => [event.action, event.details.poolId])).toEqual([
        ['pool.registered', previousPoolId],
        ['pool.adopted', poolId],
      ]);
      expect(events[1]?.actor).toMatch(/^cli:/);
    } finally {
      await control.close();
    }
    await stopProcess((await startServe(env)).child);
  }, 120_000);

  it.skipIf(!process.env.DATABASE_URL || !process.env.REDIS_URL)(
    'a worker on a second data directory against the same control plane refuses to start (postgres+redis)',
    async () => {
      const first = cliEnv({ ALLIAGE_DATA_DIR: dataDir(), ALLIAGE_HTTP_PORT: '0' });
      cleanups.push(await useRealBackends(first, 'poolid'));
      const serve = await startServe(first);
      cleanups.unshift(async () => {
        await stopProcess(serve.child);
      });
      const secondDir = dataDir();
      // A worker that started (the bug) is killed rather than left running.
      const worker = await runCli(
        ['worker'],
        { ...first, ALLIAGE_DATA_DIR: secondDir },
        { killAfterMs: 60_000 },
      );
      expect(worker.code).toBe(1);
      expect(worker.stderr).toContain(`the data directory ${secondDir} has no pool`);
    },
    120_000,
  );
});
