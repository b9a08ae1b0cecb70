import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@alliage/config';
import { claimPool, SYSTEM_ACTOR } from '@alliage/control';
import type { AppError } from '@alliage/domain';
import { waitFor } from '@alliage/queue/testing';
import { readPoolId } from '@alliage/warehouse';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type OpenedPlatform, openPlatform } from '../src/open-platform.ts';
import { type Runtime, startRuntime } from '../src/start-runtime.ts';

describe('a worker runtime (embedded)', () => {
  let dataDir = '';
  let platform: OpenedPlatform | null = null;
  let runtime: Runtime | null = null;
  afterEach(async () => {
    await runtime?.stop();
    await platform?.close();
    runtime = null;
    platform = null;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (
    lines: Record<string, unknown>[],
    extra: { clock?: () => Date } & Pick<
      Parameters<typeof startRuntime>[0],
      'poolLease' | 'onPoolLost'
    > = {},
  ) => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'alliage-runtime-'));
    const config = loadConfig({ ALLIAGE_DATA_DIR: path.join(dataDir, 'platform') });
    const { clock, ...lease } = extra;
    platform = await openPlatform(config, { kind: 'serve', clock });
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    return startRuntime({ config, platform, logger, worker: true, sftp: false, ...lease });
  };

  it('reads the pool into memory when it starts, and logs what it read, in counts only', async () => {
    const lines: Record<string, unknown>[] = [];
    runtime = await start(lines);
    const warmed = await waitFor(() => lines.find((line) => line.msg === 'pool read into memory'), {
      message: 'the pool read into memory',
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    expect(warmed).toMatchObject({ complete: true });
    expect(warmed.tables).toBeGreaterThan(5);
    expect(Object.keys(warmed)).toEqual(
      expect.arrayContaining(['tables', 'complete', 'durationMs']),
    );
  }, 60_000);

  it('stops cleanly while it is still reading the pool into memory', async () => {
    const lines: Record<string, unknown>[] = [];
    runtime = await start(lines);
    const stopping = runtime.stop();
    runtime = null;
    await stopping;
    const warned = lines.filter((line) => String(line.msg).includes('failed'));
    expect(warned).toEqual([]);
  }, 60_000);

  it('stops taking jobs and writing the pool once its lease is taken over, and tells its caller to exit', async () => {
    // This process's clock stays still: it stalled, as far as its lease goes.
    const now = new Date('2026-12-06T10:00:00Z');
    let lost: (outcome: { error: AppError; stopped: Promise<void> }) => void = () => undefined;
    const losing = new Promise<{ error: AppError; stopped: Promise<void> }>((resolve) => {
      lost = resolve;
    });
    runtime = await start([], {
      clock: () => now,
      poolLease: { leaseMs: 60_000, renewEveryMs: 5 },
      onPoolLost: (error, stopped) => lost({ error, stopped }),
    });
    const warehouse = runtime.warehouse;
    if (!warehouse || !platform) throw new Error('the worker runtime has no pool');
    // Another process, 61 s later on its clock, finds the lease expired and takes it.
    const later = new Date(now.getTime() + 61_000);
    await claimPool(
      { db: platform.ctx.db, clock: () => later },
      {
        poolId: await readPoolId(warehouse),
        ownerId: randomUUID(),
        host: 'host-b',
        dataDir: '/srv/b',
        previousOwnerId: null,
        adopt: false,
      },
      { leaseMs: 60_000, actor: SYSTEM_ACTOR },
    );

    const { error, stopped } = await losing;
    expect(error.message).toContain('taken over by another process');
    await stopped;
    await expect(
      runtime.queue.enqueue('intake.process-file', { fileDropId: randomUUID() }, { jobId: 'x' }),
    ).rejects.toThrow(/closed/);
    await expect(warehouse.withWriter(async () => 'written')).rejects.toThrow();
  }, 60_000);
});
