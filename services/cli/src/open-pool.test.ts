import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@alliage/config';
import { listAuditEvents } from '@alliage/control';
import { listAuditOutbox } from '@alliage/warehouse';
import { commitTestOutboxEvent } from '@alliage/warehouse/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type OpenedPlatform, openPlatform } from './open-platform.ts';
import { openPool } from './open-pool.ts';

describe('openPool (embedded)', () => {
  let dataDir = '';
  let platform: OpenedPlatform | null = null;
  afterEach(async () => {
    await platform?.close();
    platform = null;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers the audit events a process that died after a pool commit left in the outbox', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'alliage-open-pool-'));
    const config = loadConfig({ ALLIAGE_DATA_DIR: path.join(dataDir, 'platform') });
    platform = await openPlatform(config, { kind: 'serve' });
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    // A pool change committed with its event in the outbox; the process died before delivering.
    const first = await openPool(config, platform, logger);
    const outboxId = await commitTestOutboxEvent(first, { trigger: 'housekeeping', records: 2 });
    await first.close();

    const pool = await openPool(config, platform, logger);
    try {
      expect(await listAuditOutbox(pool)).toEqual([]);
    } finally {
      await pool.close();
    }
    const { events } = await listAuditEvents(platform.ctx, { action: ['pool.purged'], limit: 10 });
    expect(events.map((event) => event.details)).toEqual([
      { trigger: 'housekeeping', records: 2, outboxId },
    ]);
    expect(
      lines.find((line) => line.msg === 'pool audit events left by a crash delivered'),
    ).toMatchObject({ delivered: 1 });
  }, 60_000);
});
