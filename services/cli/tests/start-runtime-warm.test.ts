import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@alliage/config';
import { waitFor } from '@alliage/queue/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type OpenedPlatform, openPlatform } from '../src/open-platform.ts';
import { type Runtime, startRuntime } from '../src/start-runtime.ts';

describe('a worker runtime reads the pool into memory when it starts (embedded)', () => {
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

  const start = async (lines: Record<string, unknown>[]) => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'alliage-warm-runtime-'));
    const config = loadConfig({ ALLIAGE_DATA_DIR: path.join(dataDir, 'platform') });
    platform = await openPlatform(config, { kind: 'serve' });
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    return startRuntime({ config, platform, logger, worker: true, sftp: false });
  };

  it('logs what it read, in counts only', async () => {
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

  it('stops cleanly while it is still reading', async () => {
    const lines: Record<string, unknown>[] = [];
    runtime = await start(lines);
    const stopping = runtime.stop();
    runtime = null;
    await stopping;
    const warned = lines.filter((line) => String(line.msg).includes('failed'));
    expect(warned).toEqual([]);
  }, 60_000);
});
