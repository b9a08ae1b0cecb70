// A member's opt-out list through the real intake path (GnuPG-made file, real control
// DB, real pool): entries reach the repoussoir only, and apply at the next count.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  type ControlContext,
  listAuditEvents,
  listRepoussoirEntries,
  repoussoirFeed,
} from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { hasGpg } from '@alliage/crypto/testing';
import { CUSTOMER_COLUMNS } from '@alliage/domain';
import { syncRepoussoirHashes } from '@alliage/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IntakeDeps, processFileDrop } from './process-file-drop.ts';
import { createIntakeTestEnv, type TIntakeTestEnv } from './testing/create-intake-test-env.ts';

// Synthetic contact points; none may reach a report, a log or the control DB in clear.
const OPPOSED_EMAIL = 'canary.opposed@example.test';
const KEPT_EMAIL = 'canary.kept@example.test';
const optoutLines = (count: number) =>
  Array.from({ length: count }, (_, index) => `email,canary.list${index}@example.test,`);
const OPTOUT_LIST = [
  'type,value,scope',
  ...optoutLines(28),
  `email,${OPPOSED_EMAIL.toUpperCase()},`,
  'phone,0612,sms', // line 31: cannot be normalised
  'phone,+33 6 98 76 54 32,SMS',
  '',
].join('\n');

describe.skipIf(!hasGpg).each(testControlDbKinds())('optouts drops on %s', (kind) => {
  let env: TIntakeTestEnv;
  let ctx: ControlContext;
  let memberFingerprint: string;
  let deps: IntakeDeps;
  let pool: TIntakeTestEnv['pool'];

  beforeAll(async () => {
    env = await createIntakeTestEnv(kind, 'alliage-optouts-');
    ({ ctx, memberFingerprint, deps, pool } = env);
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  const drop = (fileName: string, clear: string, signer: string | null = memberFingerprint) =>
    env.drop(fileName, clear, signer);
  const readReport = (fileName: string, extension = 'json') =>
    readFileSync(
      path.join(deps.sftpRoot, 'M01', 'reports', `${fileName}.report.${extension}`),
      'utf8',
    );
  const memberOptouts = () =>
    listRepoussoirEntries(ctx, { source: 'member_optout', sourceReference: 'M01', limit: 1000 });
  const loadedDrops = async () => {
    const connection = await pool.warehouse.connect();
    try {
      return (await connection.runAndReadAll('SELECT file_drop_id FROM loaded_drops'))
        .getRowsJS()
        .map(([id]) => String(id));
    } finally {
      connection.closeSync();
    }
  };

  it('adds the valid lines to the repoussoir, reports the bad one by line, and leaves the pool alone', async () => {
    const customers = [
      CUSTOMER_COLUMNS.join(','),
      `C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,${OPPOSED_EMAIL},,,1970-03-12,1,1,0,2025-01-10`,
      `C2,MME,Anne,MARTIN,,,3 rue Lepic,,75018,PARIS,FR,${KEPT_EMAIL},,,1982-05-02,1,1,0,2025-02-11`,
      '',
    ].join('\n');
    const base = await drop('M01_customers_1.csv.gpg', customers);
    expect(await processFileDrop(deps, base.registered.id)).toMatchObject({ status: 'accepted' });

    const fileName = 'M01_optouts_20261203.csv.pgp';
    const { registered } = await drop(fileName, OPTOUT_LIST);
    const finished = await processFileDrop(deps, registered.id);
    expect(finished).toMatchObject({
      status: 'accepted',
      kind: 'optouts',
      rowCount: 31,
      rejectedRowCount: 1,
      signerFingerprint: memberFingerprint,
    });
    const report = readReport(fileName);
    expect(JSON.parse(report)).toMatchObject({
      status: 'accepted',
      kind: 'optouts',
      rows: { total: 31, accepted: 30, rejected: 1 },
      rowErrors: [{ line: 31, column: 'value', reason: expect.stringContaining('phone') }],
      repoussoir: { added: 30, alreadyPresent: 0 },
      pool: null,
    });
    expect(readReport(fileName, 'txt')).toContain('optouts   30 new entries, 0 already present');
    expect(report).not.toMatch(/canary|0612|98 76/i);

    const entries = await memberOptouts();
    expect(entries).toHaveLength(30);
    expect(new Set(entries.map((entry) => `${entry.source}/${entry.sourceReference}`))).toEqual(
      new Set(['member_optout/M01']),
    );
    expect(entries.filter((entry) => entry.scope === 'sms')).toHaveLength(1);
    const stored = await ctx.db.selectFrom('repoussoir_entries').selectAll().execute();
    expect(JSON.stringify(stored)).not.toMatch(/canary|98 76/i);

    const { events } = await listAuditEvents(ctx, {
      action: ['repoussoir.changed'],
      organisationCode: 'M01',
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.details).toMatchObject({
      fileDropId: registered.id,
      operation: 'import',
      added: 30,
      source: 'member_optout',
    });
    expect(JSON.stringify(events)).not.toMatch(/canary/i);
    // An opt-out list never goes through the pool build.
    expect(await loadedDrops()).toEqual([base.registered.id]);
  });

  it('applies to the pool at the next count (the repoussoir mirror catches up by version)', async () => {
    const synced = await syncRepoussoirHashes(pool.warehouse, repoussoirFeed(ctx));
    expect(synced).toBe(true);
    const connection = await pool.warehouse.connect();
    try {
      const opposed = (
        await connection.runAndReadAll(
          `SELECT r.customer_id, o.scope FROM person_oppositions o
           JOIN member_records r ON r.person_id = o.person_id ORDER BY 1`,
        )
      ).getRowsJS();
      expect(opposed).toEqual([['C1', 'all']]);
    } finally {
      connection.closeSync();
    }
  });

  it('adds nothing when the same list comes again, re-encrypted', async () => {
    const fileName = 'M01_optouts_20261204.csv.pgp';
    const { registered } = await drop(fileName, OPTOUT_LIST);
    expect(await processFileDrop(deps, registered.id)).toMatchObject({ status: 'accepted' });
    expect(JSON.parse(readReport(fileName)).repoussoir).toEqual({ added: 0, alreadyPresent: 30 });
    expect(await memberOptouts()).toHaveLength(30);
    // A retry of a finished drop does nothing at all.
    expect(await processFileDrop(deps, registered.id)).toBeNull();
  });

  it.each([
    [
      'too many bad lines',
      'M01_optouts_bad.csv.pgp',
      'kind,value\nemail,canary.new1@example.test\nfax,canary\nphone,12\n',
      true,
      'too_many_bad_rows',
    ],
    [
      'an unknown header',
      'M01_optouts_header.csv.pgp',
      'kind,email\nemail,canary.new2@example.test\n',
      true,
      'bad_header',
    ],
    [
      'no signature',
      'M01_optouts_unsigned.csv.pgp',
      'kind,value\nemail,canary.new3@example.test\n',
      false,
      'unsigned',
    ],
  ])('rejects a list with %s and adds nothing', async (_label, fileName, clear, signed, reason) => {
    const { registered } = await drop(fileName, clear, signed ? memberFingerprint : null);
    expect(await processFileDrop(deps, registered.id)).toMatchObject({
      status: 'rejected',
      kind: 'optouts',
      rejectionReason: reason,
    });
    const report = readReport(fileName);
    expect(JSON.parse(report)).toMatchObject({ rejection: { reason }, repoussoir: null });
    expect(report).not.toMatch(/canary/i);
    expect(await memberOptouts()).toHaveLength(30);
  });

  it('reports what a list added when its drop runs again after the import committed', async () => {
    const fileName = 'M01_optouts_20261205.csv.pgp';
    const { registered } = await drop(
      fileName,
      [
        'kind,value',
        'email,canary.retry1@example.test',
        'email,canary.retry2@example.test',
        '',
      ].join('\n'),
    );
    // The report cannot be written (a folder stands where it goes): the run fails after
    // the import committed, as a crash between the two would leave it.
    const reportPath = path.join(deps.sftpRoot, 'M01', 'reports', `${fileName}.report.json`);
    mkdirSync(reportPath, { recursive: true });
    await expect(processFileDrop(deps, registered.id)).rejects.toThrow();
    expect(await memberOptouts()).toHaveLength(32);
    rmSync(reportPath, { recursive: true });
    expect(await processFileDrop(deps, registered.id)).toMatchObject({ status: 'accepted' });
    expect(JSON.parse(readReport(fileName)).repoussoir).toEqual({ added: 2, alreadyPresent: 0 });
    expect(await memberOptouts()).toHaveLength(32);
  });
});
