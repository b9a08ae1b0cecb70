import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type ControlContext,
  createOrganisation,
  listLatestAuditEvents,
  SYSTEM_ACTOR,
  type TFileDrop,
  verifyAuditChain,
} from '@alliage/control';
import {
  createTestControlDb,
  storeTestDrop,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PurgeDropFilesOptions, purgeDropFiles } from './purge-drop-files.ts';

describe.each(testControlDbKinds())('purgeDropFiles on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let dropStore: string;
  let now = new Date('2026-11-01T10:00:00Z');
  const drops: Record<string, TFileDrop> = {};
  const fileOf = (drop: TFileDrop) => path.join(dropStore, drop.organisationCode, drop.id);
  /** The daily pass's purge (7 days, every member), with `options` instead. */
  const purge = (options: Partial<PurgeDropFilesOptions> = {}) =>
    purgeDropFiles({
      ctx,
      actor: SYSTEM_ACTOR,
      dropStore,
      retentionDays: 7,
      reason: 'retention',
      ...options,
    });

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => now };
    dropStore = mkdtempSync(path.join(tmpdir(), 'alliage-drop-store-'));
    for (const code of ['M01', 'M02']) {
      await createOrganisation(ctx, SYSTEM_ACTOR, {
        code,
        name: `Member ${code}`,
        kind: 'member',
        sector: 'automobile',
      });
    }
    // Finished on 1 November: accepted, rejected; one still waiting for its (retried) job.
    for (const status of ['accepted', 'rejected', 'received'] as const) {
      drops[`M01-${status}`] = await storeTestDrop(ctx, {
        organisationCode: 'M01',
        dropStore,
        status,
      });
    }
    // Finished on 8 November.
    now = new Date('2026-11-08T10:00:00Z');
    drops['M02-accepted'] = await storeTestDrop(ctx, {
      organisationCode: 'M02',
      dropStore,
      status: 'accepted',
    });
    // Files no drop knows: kept for an operator to look at.
    writeFileSync(path.join(dropStore, 'M01', 'notes.txt'), 'test-only');
    writeFileSync(path.join(dropStore, 'M01', '00000000-0000-4000-8000-000000000000'), 'test-only');
    writeFileSync(path.join(dropStore, 'README'), 'test-only: no organisation folder');
    now = new Date('2026-11-10T10:00:00Z');
  });
  afterAll(async () => {
    rmSync(dropStore, { recursive: true, force: true });
    await control?.close();
  });

  it('deletes the files of drops finished before the retention, keeps the rest, and audits counts', async () => {
    const outcome = await purge();
    expect(outcome).toEqual({ removed: 2, kept: 2, unknown: 3 });
    expect(existsSync(fileOf(drops['M01-accepted'] as TFileDrop))).toBe(false);
    expect(existsSync(fileOf(drops['M01-rejected'] as TFileDrop))).toBe(false);
    // Still to be processed: a retry reads it, whatever its age.
    expect(existsSync(fileOf(drops['M01-received'] as TFileDrop))).toBe(true);
    // Finished two days ago: within the retention.
    expect(existsSync(fileOf(drops['M02-accepted'] as TFileDrop))).toBe(true);
    expect(readdirSync(path.join(dropStore, 'M01'))).toEqual(
      expect.arrayContaining(['notes.txt', '00000000-0000-4000-8000-000000000000']),
    );
    const [event] = await listLatestAuditEvents(ctx, 1);
    expect(event).toMatchObject({
      action: 'file.purged',
      objectType: 'drop_store',
      organisationCode: null,
      details: { reason: 'retention', retentionDays: 7, removed: 2, kept: 2, unknown: 3 },
    });
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  });

  it('does nothing more, and audits nothing, when run again', async () => {
    const [before] = await listLatestAuditEvents(ctx, 1);
    const outcome = await purge();
    expect(outcome).toEqual({ removed: 0, kept: 2, unknown: 3 });
    const [after] = await listLatestAuditEvents(ctx, 1);
    expect(after?.seq).toBe(before?.seq);
  });

  it('for one member, deletes every finished file of it at once and leaves the others', async () => {
    const outcome = await purge({ retentionDays: 0, organisationCode: 'M02', reason: 'erasure' });
    expect(outcome).toEqual({ removed: 1, kept: 0, unknown: 0 });
    expect(existsSync(fileOf(drops['M02-accepted'] as TFileDrop))).toBe(false);
    expect(existsSync(fileOf(drops['M01-received'] as TFileDrop))).toBe(true);
    const [event] = await listLatestAuditEvents(ctx, 1);
    expect(event).toMatchObject({
      action: 'file.purged',
      organisationCode: 'M02',
      details: { reason: 'erasure', retentionDays: 0, removed: 1 },
    });
  });

  it('counts a file under another member folder as unknown, not as that drop', async () => {
    // M01's pending drop's file copied under M02: M02's purge must not take it for M02's.
    const stray = path.join(dropStore, 'M02', (drops['M01-received'] as TFileDrop).id);
    mkdirSync(path.dirname(stray), { recursive: true });
    writeFileSync(stray, 'test-only');
    const outcome = await purge({
      retentionDays: 0,
      organisationCode: 'M02',
      reason: 'offboarding',
    });
    expect(outcome).toEqual({ removed: 0, kept: 0, unknown: 1 });
    expect(existsSync(stray)).toBe(true);
  });

  it("deletes the copy a move across file systems left beside a finished drop's file, not a pending one's", async () => {
    const finishedAt = now;
    now = new Date(finishedAt.getTime() - 30 * 24 * 60 * 60 * 1000);
    const finished = await storeTestDrop(ctx, {
      organisationCode: 'M01',
      dropStore,
      status: 'accepted',
    });
    now = finishedAt;
    writeFileSync(`${fileOf(finished)}.partial`, 'test-only');
    const pending = drops['M01-received'] as TFileDrop;
    writeFileSync(`${fileOf(pending)}.partial`, 'test-only');
    const outcome = await purge();
    expect(outcome.removed).toBe(2);
    expect(existsSync(fileOf(finished))).toBe(false);
    expect(existsSync(`${fileOf(finished)}.partial`)).toBe(false);
    // A retry of the pending drop may still finish its move from that copy.
    expect(existsSync(`${fileOf(pending)}.partial`)).toBe(true);
    expect(existsSync(fileOf(pending))).toBe(true);
  });

  it('deletes the other files when one cannot be deleted, audits them, then fails for a retry', async () => {
    const finishedAt = now;
    now = new Date(finishedAt.getTime() - 30 * 24 * 60 * 60 * 1000);
    const stuck = await storeTestDrop(ctx, {
      organisationCode: 'M01',
      dropStore,
      status: 'accepted',
    });
    const other = await storeTestDrop(ctx, {
      organisationCode: 'M02',
      dropStore,
      status: 'accepted',
    });
    now = finishedAt;
    // Not deletable as a file: a directory in its place (a restore gone wrong).
    rmSync(fileOf(stuck));
    mkdirSync(fileOf(stuck));
    writeFileSync(path.join(fileOf(stuck), 'inside'), 'test-only');
    const [before] = await listLatestAuditEvents(ctx, 1);
    await expect(purge()).rejects.toMatchObject({ code: 'unavailable', retry: true });
    expect(existsSync(fileOf(other))).toBe(false);
    const [event] = await listLatestAuditEvents(ctx, 1);
    expect(event?.seq).toBeGreaterThan(before?.seq ?? 0);
    expect(event).toMatchObject({ action: 'file.purged', details: { removed: 1 } });
    rmSync(fileOf(stuck), { recursive: true });
  });

  it('finds nothing to do in a drop store that does not exist yet', async () => {
    await expect(purge({ dropStore: path.join(dropStore, 'never-created') })).resolves.toEqual({
      removed: 0,
      kept: 0,
      unknown: 0,
    });
  });
});
