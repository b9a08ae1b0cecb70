import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@alliage/config';
import { type ControlContext, cliActor, listAuditEvents } from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { isAppError } from '@alliage/domain';
import { openWarehouse, readPoolId, type TWarehouse } from '@alliage/warehouse';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPool, poolDatabasePath } from './open-pool.ts';

const logger = pino({ level: 'silent' });

describe.each(testControlDbKinds())('openPool claims the platform pool (%s)', (kind) => {
  let root = '';
  let control: TestControlDb;
  let now = new Date('2026-12-06T10:00:00Z');
  let platform: { ctx: ControlContext; secrets: { poolEncryptionKey: string } };
  const opened: TWarehouse[] = [];

  beforeEach(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'alliage-pool-claim-'));
    control = await createTestControlDb(kind);
    now = new Date('2026-12-06T10:00:00Z');
    platform = {
      ctx: { db: control.db, clock: () => now },
      secrets: { poolEncryptionKey: 'test-pool-key-0123456789abcdef' },
    };
  });
  afterEach(async () => {
    for (const warehouse of opened.splice(0)) await warehouse.close();
    await control.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** The configuration of one data directory of this test. */
  function dataDir(name: string) {
    return loadConfig({ ALLIAGE_DATA_DIR: path.join(root, name) });
  }

  async function open(name: string, options: Parameters<typeof openPool>[3] = {}) {
    const warehouse = await openPool(dataDir(name), platform, logger, options);
    opened.push(warehouse);
    return warehouse;
  }

  async function close(warehouse: TWarehouse) {
    opened.splice(opened.indexOf(warehouse), 1);
    await warehouse.close();
  }

  async function refusal(name: string): Promise<string> {
    const error = await open(name).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    if (!isAppError(error)) throw new Error(`expected a refusal, got ${String(error)}`);
    expect(error.code).toBe('conflict');
    return error.message;
  }

  async function actions(): Promise<{ action: string; details: unknown }[]> {
    const { events } = await listAuditEvents(platform.ctx, {
      action: ['pool.registered', 'pool.adopted'],
      limit: 10,
    });
    return events.map((event) => ({ action: event.action, details: event.details }));
  }

  it('registers the first pool, reopens it, and refuses a second data directory with no pool', async () => {
    const first = await open('a');
    const poolId = await readPoolId(first);
    await close(first);
    expect(await actions()).toEqual([
      {
        action: 'pool.registered',
        details: expect.objectContaining({ poolId, dataDir: path.join(root, 'a') }),
      },
    ]);

    await close(await open('a'));

    const message = await refusal('b');
    expect(message).toContain(path.join(root, 'b'));
    expect(message).toContain(path.join(root, 'a'));
    expect(message).toContain('alliage pool adopt --confirm');
    // Refused before a new, empty pool was created there.
    expect(existsSync(poolDatabasePath(dataDir('b')))).toBe(false);
  }, 60_000);

  it('refuses another pool, and a pool lost in place, until the operator adopts one (audited)', async () => {
    const first = await open('a');
    const registeredId = await readPoolId(first);
    await close(first);
    // A pool made elsewhere (another platform, an old copy rebuilt from files).
    mkdirSync(path.join(root, 'b', 'pool'), { recursive: true });
    const other = await openWarehouse({
      databasePath: poolDatabasePath(dataDir('b')),
      encryptionKey: null,
    });
    const otherId = await readPoolId(other);
    await other.close();
    expect(otherId).not.toBe(registeredId);
    expect(await refusal('b')).toContain('is not the platform');

    const adopted = await open('b', { adopt: true, actor: cliActor('operator') });
    await close(adopted);
    expect((await actions()).at(-1)).toEqual({
      action: 'pool.adopted',
      details: expect.objectContaining({
        poolId: otherId,
        previousPoolId: registeredId,
        dataDir: path.join(root, 'b'),
      }),
    });
    expect(
      (await listAuditEvents(platform.ctx, { action: ['pool.adopted'] })).events[0]?.actor,
    ).toBe('cli:operator');
    await close(await open('b'));
    expect(await refusal('a')).toContain('is not the platform');

    // The pool file of b lost: refused, then a new one adopted.
    rmSync(path.join(root, 'b', 'pool'), { recursive: true, force: true });
    expect(await refusal('b')).toContain('has no pool');
    const rebuilt = await open('b', { adopt: true, actor: cliActor('operator') });
    expect(await readPoolId(rebuilt)).not.toBe(otherId);
  }, 60_000);

  it('accepts a restored copy of the pool, but not while the owner elsewhere holds the lease', async () => {
    const owner = await open('a', { leaseMs: 60_000 });
    await owner.withWriter((connection) => connection.run('CHECKPOINT'));
    mkdirSync(path.join(root, 'c', 'pool'), { recursive: true });
    copyFileSync(poolDatabasePath(dataDir('a')), poolDatabasePath(dataDir('c')));

    expect(await refusal('c')).toContain('in use by another job-running process');
    // The owner crashed (its lease not renewed): once the lease expires, the copy may run.
    now = new Date(now.getTime() + 61_000);
    const restored = await open('c');
    // The old owner stopping late gives back nothing of the lease it lost.
    await close(owner);
    expect(await refusal('a')).toContain('in use by another job-running process');
    // A stopped owner gives its lease back at once.
    await close(restored);
    await close(await open('a'));
  }, 60_000);
});
