import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CLI_MAIN_PATH,
  cliEnv,
  runCli,
  startServe,
  stopProcess,
  useRealBackends,
} from '@alliage/cli/testing';
import { listAuditEvents, openControlDb } from '@alliage/control';
import { sql } from 'kysely';
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

  it('a SIGTERM while serve starts stops it cleanly once started: exit 0 and the pool lease given back (embedded)', async () => {
    const directory = dataDir();
    const env = cliEnv({ ALLIAGE_DATA_DIR: directory, ALLIAGE_HTTP_PORT: '0' });
    const child = spawn(process.execPath, [CLI_MAIN_PATH, 'serve'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The first thing it prints comes long before it is running: the signal lands mid-start.
    let signalled = false;
    const signalOnce = () => {
      if (signalled) return;
      signalled = true;
      child.kill('SIGTERM');
    };
    child.stdout?.on('data', signalOnce);
    child.stderr?.on('data', signalOnce);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    expect(signalled).toBe(true);
    expect([code, signal]).toEqual([0, null]);

    const control = await openControlDb({ pgliteDir: path.join(directory, 'pglite') });
    try {
      const { rows } = await sql<{ lease_owner: string | null }>`
        SELECT lease_owner FROM pool_registration`.execute(control.db);
      expect(rows).toEqual([{ lease_owner: null }]);
    } finally {
      await control.close();
    }
  });

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
      const first = cliEnv({
        ALLIAGE_DATA_DIR: dataDir(),
        ALLIAGE_HTTP_PORT: '0',
        // One HMAC secret for both directories: another would be refused first, by its check.
        ALLIAGE_HMAC_SECRET: 'test-only-shared-hmac-secret-0123456789abcdef',
      });
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
