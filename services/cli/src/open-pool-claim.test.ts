import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@alliage/config';
import {
  type ControlContext,
  claimPool,
  cliActor,
  listAuditEvents,
  readPoolRegistration,
  SYSTEM_ACTOR,
} from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { type AppError, isAppError } from '@alliage/domain';
import { openWarehouse, readPoolId, type TWarehouse } from '@alliage/warehouse';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPool, poolDatabasePath, poolOwnerRecordPath } from './open-pool.ts';

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

  /** Another process takes the lease over, on its own clock, `seconds` after this test's now. */
  async function takeOver(
    poolId: string,
    seconds: number,
    claimant: { host: string; dataDir: string },
  ) {
    const later = new Date(now.getTime() + seconds * 1000);
    await claimPool(
      { db: control.db, clock: () => later },
      { poolId, ownerId: 'other-instance', ...claimant, previousOwnerId: null, adopt: false },
      { leaseMs: 60_000, actor: SYSTEM_ACTOR },
    );
  }

  it('stops writing the pool once its lease is taken over, and gives back nothing', async () => {
    const lines: Record<string, unknown>[] = [];
    const logged = pino(
      { level: 'error' },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    let lost: (error: AppError) => void = () => undefined;
    const losing = new Promise<AppError>((resolve) => {
      lost = resolve;
    });
    // This process stalled: its own clock stays behind while renewals keep failing.
    const owner = await openPool(dataDir('a'), platform, logged, {
      leaseMs: 60_000,
      renewEveryMs: 5,
      onLeaseLost: (error) => lost(error),
    });
    opened.push(owner);
    const poolId = await readPoolId(owner);
    await takeOver(poolId, 61, { host: 'host-b', dataDir: '/srv/b' });

    const error = await losing;
    expect(error.message).toContain('taken over by another process');
    expect(lines.map((line) => line.msg)).toContain(error.message);
    await expect(owner.withWriter(async () => 'written')).rejects.toThrow(/taken over/);
    await expect(owner.connect()).rejects.toThrow(/taken over/);
    await expect(owner.confirmOwnership()).rejects.toThrow(/taken over/);
    await close(owner);
    expect((await readPoolRegistration(control.db))?.lease?.ownerId).toBe('other-instance');
  }, 60_000);

  it('checks its lease before a pool change commits', async () => {
    const owner = await open('a', { leaseMs: 60_000, renewEveryMs: 3_600_000 });
    await owner.confirmOwnership();
    await takeOver(await readPoolId(owner), 61, { host: 'host-b', dataDir: '/srv/b' });
    await expect(owner.confirmOwnership()).rejects.toThrow(/taken over/);
    await expect(owner.withWriter(async () => 'written')).rejects.toThrow(/taken over/);
  }, 60_000);

  it('gives the lease back when opening fails after the claim', async () => {
    const first = await open('a');
    const poolId = await readPoolId(first);
    await first.withWriter((connection) => connection.run('CHECKPOINT'));
    await close(first);
    mkdirSync(path.join(root, 'c', 'pool'), { recursive: true });
    copyFileSync(poolDatabasePath(dataDir('a')), poolDatabasePath(dataDir('c')));
    const failed = await open('a', {
      onClaim: () => {
        throw new Error('after the claim');
      },
    }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(String(failed)).toContain('after the claim');
    expect((await readPoolRegistration(control.db))?.lease).toBeNull();
    const copy = await open('c');
    expect(await readPoolId(copy)).toBe(poolId);
  }, 60_000);

  it('refuses another pool before migrating it', async () => {
    await close(await open('a'));
    mkdirSync(path.join(root, 'b', 'pool'), { recursive: true });
    const other = await openWarehouse({
      databasePath: poolDatabasePath(dataDir('b')),
      encryptionKey: null,
    });
    // An older schema: one migration still to run.
    await other.withWriter(async (connection) => {
      await connection.run('DROP TABLE audit_outbox');
      await connection.run('DROP SEQUENCE audit_outbox_seq');
      await connection.run('DELETE FROM schema_migrations WHERE version = 14');
    });
    await other.close();

    expect(await refusal('b')).toContain('is not the platform');
    let versions: number[] = [];
    const stop = new Error('read only');
    await expect(
      openWarehouse({
        databasePath: poolDatabasePath(dataDir('b')),
        encryptionKey: null,
        beforeMigrate: async (connection) => {
          versions = (await connection.runAndReadAll('SELECT version FROM schema_migrations'))
            .getRowsJS()
            .map((row) => Number(row[0]));
          throw stop;
        },
      }),
    ).rejects.toBe(stop);
    expect(versions).not.toContain(14);
  }, 60_000);

  it('takes over at once only the lease of the instance its data directory recorded', async () => {
    const first = await open('a');
    const poolId = await readPoolId(first);
    const recorded = readFileSync(poolOwnerRecordPath(dataDir('a')), 'utf8').trim();
    await close(first);
    // A live process with the same host name and data directory path, on another volume
    // (containers with host networking): its instance is not the one recorded here.
    await takeOver(poolId, 0, { host: os.hostname(), dataDir: path.join(root, 'a') });
    expect(await refusal('a')).toContain('in use by another job-running process');
    now = new Date(now.getTime() + 61_000);

    // The recorded instance crashed holding the lease: a restart here takes it over at once.
    await claimPool(
      platform.ctx,
      {
        poolId,
        ownerId: recorded,
        host: os.hostname(),
        dataDir: path.join(root, 'a'),
        previousOwnerId: null,
        adopt: false,
      },
      { leaseMs: 60_000, actor: SYSTEM_ACTOR },
    );
    const restarted = await open('a');
    expect((await readPoolRegistration(control.db))?.lease?.ownerId).not.toBe(recorded);
    expect(readFileSync(poolOwnerRecordPath(dataDir('a')), 'utf8').trim()).toBe(
      (await readPoolRegistration(control.db))?.lease?.ownerId,
    );
    await close(restarted);
  }, 60_000);
});
