import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type ControlContext,
  listLatestAuditEvents,
  SYSTEM_ACTOR,
  verifyAuditChain,
} from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeMemberExports } from './purge-member-exports.ts';

const NOW = new Date('2026-12-06T03:00:00Z');
const ID = '0b8f2a5e-3c1d-4e6f-9a7b-1c2d3e4f5a6b';

describe.each(testControlDbKinds())('purgeMemberExports on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let sftpRoot: string;
  let outside: string;
  /** Writes a test-only file into `<ORG>/reports/`, last modified `daysAgo` days before NOW. */
  const report = (organisation: string, name: string, daysAgo: number) => {
    const directory = path.join(sftpRoot, organisation, 'reports');
    mkdirSync(directory, { recursive: true });
    const file = path.join(directory, name);
    writeFileSync(file, 'test-only');
    const when = new Date(NOW.getTime() - daysAgo * 86_400_000);
    utimesSync(file, when, when);
    return file;
  };
  const left = (organisation: string) =>
    readdirSync(path.join(sftpRoot, organisation, 'reports')).sort();

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => NOW };
    sftpRoot = mkdtempSync(path.join(tmpdir(), 'alliage-sftp-root-'));
    outside = mkdtempSync(path.join(tmpdir(), 'alliage-outside-'));
    report('M01', `rights-request-${ID}.json`, 40);
    report('M01', `rights-request-${ID}-data.json.gpg`, 40);
    report('M01', 'offboarding-20261126-customers.csv.gpg', 10);
    // An intake report, however old, is no export: it stays.
    report('M01', 'M01_customers_20260101.csv.pgp.report.json', 300);
    report('M02', 'offboarding-20261105-transactions.csv.gpg', 31);
    // A link named like an export is not followed, nor deleted.
    writeFileSync(path.join(outside, 'target'), 'test-only');
    symlinkSync(
      path.join(outside, 'target'),
      path.join(sftpRoot, 'M02', 'reports', `rights-request-${ID}.json`),
    );
    // A member that never had a report folder.
    mkdirSync(path.join(sftpRoot, 'M03', 'in'), { recursive: true });
  });
  afterAll(async () => {
    rmSync(sftpRoot, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
    await control?.close();
  });

  it('deletes the exports past their retention, keeps the rest, and audits counts', async () => {
    const outcome = await purgeMemberExports({
      ctx,
      actor: SYSTEM_ACTOR,
      sftpRoot,
      retentionDays: 30,
    });
    expect(outcome).toEqual({ removed: 3, kept: 1 });
    expect(left('M01')).toEqual([
      'M01_customers_20260101.csv.pgp.report.json',
      'offboarding-20261126-customers.csv.gpg',
    ]);
    expect(left('M02')).toEqual([`rights-request-${ID}.json`]);
    expect(existsSync(path.join(outside, 'target'))).toBe(true);
    const [event] = await listLatestAuditEvents(ctx, 1);
    expect(event).toMatchObject({
      action: 'file.purged',
      objectType: 'member_reports',
      details: { reason: 'retention', retentionDays: 30, removed: 3, kept: 1 },
    });
    expect(JSON.stringify(event?.details)).not.toContain(ID);
  });

  it('does nothing more, and audits nothing, when run again', async () => {
    const before = (await listLatestAuditEvents(ctx, 1))[0]?.seq;
    expect(
      await purgeMemberExports({ ctx, actor: SYSTEM_ACTOR, sftpRoot, retentionDays: 30 }),
    ).toEqual({ removed: 0, kept: 1 });
    expect((await listLatestAuditEvents(ctx, 1))[0]?.seq).toBe(before);
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  });

  it('finds nothing to do in an SFTP root that does not exist yet', async () => {
    expect(
      await purgeMemberExports({
        ctx,
        actor: SYSTEM_ACTOR,
        sftpRoot: path.join(sftpRoot, 'missing'),
        retentionDays: 0,
      }),
    ).toEqual({ removed: 0, kept: 0 });
  });
});
