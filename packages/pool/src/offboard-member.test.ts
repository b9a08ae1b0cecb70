import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  addOrganisationKey,
  appendAuditEvent,
  type ControlContext,
  cliActor,
  createOrganisation,
  getOrganisation,
  listAuditEvents,
  listLatestAuditEvents,
  listOrganisationKeys,
  markMemberDataDeletionDue,
  repoussoirFeed,
  revokeOrganisationKey,
  updateOrganisation,
  verifyAuditChain,
} from '@alliage/control';
import {
  createTestControlDb,
  failAuditAppends,
  storeTestDrop,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { generatePgpKeyPair, type TPgpKeyPair } from '@alliage/crypto';
import { createGpgHome, type GpgHome, hasGpg } from '@alliage/crypto/testing';
import { DEFAULT_DIALECT_PROFILE } from '@alliage/domain';
import { loadMemberDrop, openWarehouse, type TWarehouse } from '@alliage/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverPoolAuditOutbox } from './deliver-pool-audit-outbox.ts';
import { offboardMember, type TOffboardingExportFile } from './offboard-member.ts';
import { purgeOffboardedMembers } from './purge-offboarded-members.ts';

const CUSTOMER_HEADER =
  'customer_id,civility,first_name,last_name,address_complement,address_building,street,address_locality,postcode,city,country,email,phone_mobile,phone_landline,birth_date,optin_email,optin_sms,optin_phone,created_at';
const TRANSACTION_HEADER = 'customer_id,transaction_id,date,amount_eur,category,channel';
const ONLY_M01 = 60;
const SHARED = 5;
const ONLY_M02 = 20;

// Synthetic people: shared ones are the same person at both members (same identity, other IDs).
// Distinct birth dates keep distinct people apart (the identity guards forbid merging them).
const birthDate = (year: number, index: number) =>
  new Date(Date.UTC(year, 0, 1) + index * 37 * 86_400_000).toISOString().slice(0, 10);
const sharedLine = (member: string, index: number) =>
  `${member}-SHARED-${index},MME,Claire,PARTAGEE${index},,,${10 + index} rue de la Paix,,75002,PARIS,FR,claire.partagee${index}@example.test,,,1980-01-0${index + 1},1,0,0,2026-06-01`;
const m01Line = (index: number) =>
  `M01-ONLY-${String(index).padStart(5, '0')},M,Jean,QWXOFFB${index}Z,,,${index + 1} avenue Victor Hugo,,69003,LYON,FR,offb.only.${index}@example-m01.test,,,${birthDate(1940, index)},1,0,0,2026-05-01`;
const m02Line = (index: number) =>
  `M02-ONLY-${String(index).padStart(5, '0')},M,Paul,RESTE${index}Z,,,${index + 1} boulevard Voltaire,,13001,MARSEILLE,FR,reste.${index}@example-m02.test,,,${birthDate(1990, index)},1,0,0,2026-05-01`;

describe.skipIf(!hasGpg).each(testControlDbKinds())('offboardMember (%s)', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let warehouse: TWarehouse;
  let directory: string;
  let home: GpgHome;
  let platformKey: TPgpKeyPair;
  let memberFingerprint: string;
  // The real clock: gpg signs the member's key now, and a key from the future is refused.
  const now = new Date();
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  const actor = cliActor('test');

  async function load(member: string, fileKind: 'customers' | 'transactions', lines: string[]) {
    const header = fileKind === 'customers' ? CUSTOMER_HEADER : TRANSACTION_HEADER;
    const result = await loadMemberDrop({
      warehouse,
      fileDropId: crypto.randomUUID(),
      memberCode: member,
      kind: fileKind,
      delta: false,
      dialect: DEFAULT_DIALECT_PROFILE,
      plaintext: Readable.from([Buffer.from(`${[header, ...lines].join('\n')}\n`)]),
      verified: Promise.resolve({}),
      maxRejectedRowRatio: 0.05,
      retentionMonths: 36,
      memberSectors: new Map([
        ['M01', 'automobile'],
        ['M02', 'automobile'],
        ['M03', 'automobile'],
        ['M04', 'automobile'],
        ['M05', 'automobile'],
        ['M06', 'automobile'],
      ]),
      repoussoir: repoussoirFeed(ctx),
      hmacSecret: 'test-only-hmac-secret-0123456789abcdef',
      now,
      receivedAt: now,
    });
    expect(result.outcome).toBe('loaded');
  }

  async function query(sql: string): Promise<unknown[][]> {
    const connection = await warehouse.connect();
    try {
      return (await connection.runAndReadAll(sql)).getRowsJS();
    } finally {
      connection.closeSync();
    }
  }

  const dropStore = () => path.join(directory, 'drops');
  const reportsOf = (member: string) => path.join(directory, 'sftp', member, 'reports');
  const exportOptions = (memberCode: string) => ({
    ctx,
    warehouse,
    actor,
    memberCode,
    mode: 'export' as const,
    sftpRoot: path.join(directory, 'sftp'),
    dropStore: dropStore(),
    signingKey: { armoredPrivateKey: platformKey.armoredPrivateKey },
  });
  const eventsOf = async (
    member: string,
    action: 'member.data_deleted' | 'member.data_exported' | 'member.offboarded' | 'file.purged',
  ) => (await listAuditEvents(ctx, { action: [action], organisationCode: member })).events;

  /** A member (sector automobile) with the test key. */
  async function addMember(code: string) {
    await createOrganisation(ctx, actor, {
      code,
      name: `Member ${code}`,
      kind: 'member',
      sector: 'automobile',
    });
    await addOrganisationKey(ctx, actor, {
      organisationCode: code,
      keyType: 'pgp',
      publicKey: home.exportPublicKey(memberFingerprint),
    });
  }

  /** A member with the test key, `count` customers of its own (other people than M01's) and a drop file. */
  async function addMemberWithData(code: string, count: number) {
    await addMember(code);
    await load(
      code,
      'customers',
      Array.from({ length: count }, (_, index) =>
        m01Line(index)
          .replaceAll('M01-ONLY', `${code}-ONLY`)
          .replace('QWXOFFB', `QWX${code}X`)
          .replace('offb.only.', `${code.toLowerCase()}.`)
          .replace('example-m01', `example-${code.toLowerCase()}`),
      ),
    );
    await storeTestDrop(ctx, {
      organisationCode: code,
      dropStore: dropStore(),
      status: 'accepted',
    });
  }

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => new Date() };
    directory = mkdtempSync(path.join(tmpdir(), 'alliage-offboard-'));
    // Unencrypted, so that the byte search below can see values at all; one thread, as
    // createTestWarehouse (a handful of rows: a second thread only adds scheduling).
    warehouse = await openWarehouse({
      databasePath: path.join(directory, 'pool', 'pool.duckdb'),
      encryptionKey: null,
      threads: 1,
    });
    home = createGpgHome();
    platformKey = await generatePgpKeyPair({
      name: 'Test Only Platform',
      email: 'p@example.invalid',
    });
    home.run(['--import'], platformKey.armoredPublicKey);
    memberFingerprint = home.generateKey({
      algorithm: 'ed25519',
      usage: 'sign',
      expire: '1y',
      encryptionSubkey: 'cv25519',
    });
    for (const code of ['M01', 'M02']) await addMember(code);
    await load('M01', 'customers', [
      ...Array.from({ length: SHARED }, (_, index) => sharedLine('M01', index)),
      ...Array.from({ length: ONLY_M01 }, (_, index) => m01Line(index)),
    ]);
    await load(
      'M01',
      'transactions',
      Array.from(
        { length: ONLY_M01 },
        (_, index) =>
          `M01-ONLY-${String(index).padStart(5, '0')},M01-TX-${index},${now.toISOString().slice(0, 10)},12.50,livres,web`,
      ),
    );
    await load('M02', 'customers', [
      ...Array.from({ length: SHARED }, (_, index) => sharedLine('M02', index)),
      ...Array.from({ length: ONLY_M02 }, (_, index) => m02Line(index)),
    ]);
    // The encrypted files intake kept of what the members sent (placeholders here).
    for (const [organisationCode, status] of [
      ['M01', 'accepted'],
      ['M01', 'rejected'],
      ['M02', 'accepted'],
    ] as const) {
      await storeTestDrop(ctx, { organisationCode, dropStore: dropStore(), status });
    }
  }, 120_000);
  afterAll(async () => {
    await warehouse?.close();
    home?.close();
    await control?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('returns the data, removes every value of the member, keeps the other members persons, and certifies it', async () => {
    const personsOf = async (member: string) =>
      (await query(
        `SELECT customer_id, person_id FROM member_records WHERE member_code = '${member}' ORDER BY 1`,
      )) as [string, bigint][];
    const m02Before = await personsOf('M02');
    const sharedPersons = new Set(
      (await personsOf('M01')).filter(([id]) => id.includes('SHARED')).map(([, person]) => person),
    );
    expect(sharedPersons.size).toBe(SHARED);
    expect(m02Before.filter(([, person]) => sharedPersons.has(person))).toHaveLength(SHARED);
    const [[personsBefore]] = (await query('SELECT count(*) FROM persons')) as [[bigint]];
    expect(Number(personsBefore)).toBe(SHARED + ONLY_M01 + ONLY_M02);
    // Everyone was delivered, each holder supplying; and one M01 row about a person it no
    // longer holds (its record moved to another person since): the member's rows all go.
    await warehouse.withWriter(async (connection) => {
      await connection.run(`INSERT INTO delivered_person_suppliers
        SELECT DISTINCT 'dlv-1', person_id, member_code FROM member_records`);
      await connection.run(`INSERT INTO delivered_person_suppliers
        SELECT 'dlv-2', min(person_id), 'M01' FROM member_records WHERE member_code = 'M02'`);
    });

    const certificate = await offboardMember({
      ctx,
      warehouse,
      actor,
      memberCode: 'M01',
      mode: 'export',
      sftpRoot: path.join(directory, 'sftp'),
      dropStore: dropStore(),
      signingKey: { armoredPrivateKey: platformKey.armoredPrivateKey },
    });

    // Counts.
    expect(certificate.deleted).toMatchObject({
      records: SHARED + ONLY_M01,
      transactions: ONLY_M01,
      personsRemoved: ONLY_M01,
      deliverySupplierRows: SHARED + ONLY_M01 + 1,
    });
    expect(
      await query('SELECT member_code, count(*) FROM delivered_person_suppliers GROUP BY 1'),
    ).toEqual([['M02', BigInt(SHARED + ONLY_M02)]]);
    expect(certificate.canarySearch).toMatchObject({ found: 0, encryptedAtRest: false });
    // Its encrypted files are gone from the drop store; M02's stays.
    expect(certificate.deleted.dropFiles).toBe(2);
    expect(certificate.dropFilesLeft).toBe(0);
    expect(readdirSync(path.join(dropStore(), 'M01'))).toEqual([]);
    expect(readdirSync(path.join(dropStore(), 'M02'))).toHaveLength(1);
    expect(certificate.canarySearch.canaries).toBeGreaterThanOrEqual(50);

    // Every value of M01 is gone from the file's bytes, searched here independently.
    const bytes = readFileSync(warehouse.databasePath);
    const m01Values = Array.from({ length: ONLY_M01 }, (_, index) => [
      `offb.only.${index}@example-m01.test`,
      `QWXOFFB${index}Z`,
      `M01-ONLY-${String(index).padStart(5, '0')}`,
      `M01-TX-${index}`,
    ]).flat();
    m01Values.push(...Array.from({ length: SHARED }, (_, index) => `M01-SHARED-${index}`));
    expect(m01Values.filter((value) => bytes.includes(Buffer.from(value)))).toEqual([]);
    // The search sees what stays: M02's values are all there.
    const m02Values = Array.from(
      { length: ONLY_M02 },
      (_, index) => `reste.${index}@example-m02.test`,
    );
    expect(m02Values.filter((value) => bytes.includes(Buffer.from(value)))).toHaveLength(ONLY_M02);

    // M02 keeps its records and persons, shared ones with the same IDs.
    expect(await personsOf('M02')).toEqual(m02Before);
    expect(await personsOf('M01')).toEqual([]);
    const [[personsAfter]] = (await query('SELECT count(*) FROM persons')) as [[bigint]];
    expect(Number(personsAfter)).toBe(SHARED + ONLY_M02);
    expect(await query("SELECT count(*) FROM transactions WHERE member_code = 'M01'")).toEqual([
      [0n],
    ]);

    // The export decrypts with the member's key (real gpg), signed by the platform, and holds everything.
    const [customersFile = '', transactionsFile = ''] =
      certificate.export?.files.map((file) => file.fileName) ?? [];
    // Named by day and by a run of its own (8 hex digits), the same for both files.
    expect(customersFile).toMatch(
      new RegExp(`^offboarding-${day}-[0-9a-f]{8}-customers\\.csv\\.gpg$`),
    );
    expect(transactionsFile).toBe(customersFile.replace('-customers.', '-transactions.'));
    const decrypt = (fileName: string): string[] => {
      const out = home.run([
        '--status-fd',
        '2',
        '--decrypt',
        path.join(directory, 'sftp', 'M01', 'reports', fileName),
      ]);
      return out.toString('utf8').trimEnd().split('\n');
    };
    const customers = decrypt(customersFile);
    expect(customers[0]).toBe(CUSTOMER_HEADER);
    expect(customers).toHaveLength(1 + SHARED + ONLY_M01);
    expect(customers.some((line) => line.includes('offb.only.7@example-m01.test'))).toBe(true);
    const transactions = decrypt(transactionsFile);
    expect(transactions[0]).toBe(TRANSACTION_HEADER);
    expect(transactions).toHaveLength(1 + ONLY_M01);
    const status = spawnSync('gpg', [
      '--batch',
      '--homedir',
      home.dir,
      '--status-fd',
      '1',
      '--decrypt',
      '--output',
      '/dev/null',
      path.join(directory, 'sftp', 'M01', 'reports', transactionsFile),
    ]);
    expect(status.stdout.toString()).toContain(`VALIDSIG ${platformKey.fingerprint}`);

    // Status, certificate in the chain, chain intact; no personal value in the certificate.
    expect((await getOrganisation(ctx, 'M01')).status).toBe('offboarded');
    const [purged, event] = await listLatestAuditEvents(ctx, 2);
    expect(purged).toMatchObject({
      action: 'file.purged',
      organisationCode: 'M01',
      details: { reason: 'offboarding', removed: 2 },
    });
    expect(event).toMatchObject({
      action: 'member.offboarded',
      organisationCode: 'M01',
      details: { poolFile: { sha256: certificate.poolFile.sha256 } },
    });
    expect(JSON.stringify(event?.details)).not.toMatch(/QWXOFFB|example-m01|M01-ONLY/);
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  }, 120_000);

  it('keeps the counts of what went when it dies after the delete: the re-run delivers them', async () => {
    // The append of the deletion's counts fails right after the pool committed the delete:
    // as if the process died there. The counts wait in the pool's outbox.
    const failure = await failAuditAppends(control.db, "NEW.action = 'member.data_deleted'");
    const options = {
      ctx,
      warehouse,
      actor,
      memberCode: 'M02',
      mode: 'delete_only' as const,
      sftpRoot: path.join(directory, 'sftp'),
      dropStore: dropStore(),
      signingKey: null,
    };
    await expect(offboardMember(options)).rejects.toThrow(/injected failure/);
    await failure.restore();
    expect(await query("SELECT count(*) FROM member_records WHERE member_code = 'M02'")).toEqual([
      [0n],
    ]);

    // The re-run finds nothing left to delete, and delivers the first run's counts first;
    // its certificate adds up both runs' deletions.
    const certificate = await offboardMember(options);
    expect(certificate.deleted.records).toBe(SHARED + ONLY_M02);
    const deletions = (await listAuditEvents(ctx, { action: 'member.data_deleted' })).events;
    expect(certificate.deletionSeqs).toEqual(deletions.slice(1).map((deletion) => deletion.seq));
    expect(deletions.map((deletion) => [deletion.organisationCode, deletion.details])).toEqual([
      ['M01', expect.objectContaining({ records: SHARED + ONLY_M01, personsRemoved: ONLY_M01 })],
      ['M02', expect.objectContaining({ records: SHARED + ONLY_M02, transactions: 0 })],
      ['M02', expect.objectContaining({ records: 0 })],
    ]);
    expect(await query('SELECT count(*) FROM audit_outbox')).toEqual([[0n]]);
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  }, 120_000);

  it('completes after a crash between the delete and the certificate: one certificate, with what the first run deleted and exported', async () => {
    const ONLY_M03 = 15;
    await addMemberWithData('M03', ONLY_M03);
    const options = exportOptions('M03');
    const eventsOfM03 = (action: Parameters<typeof eventsOf>[1]) => eventsOf('M03', action);

    // A reader holding the pool makes the rewrite of the file fail after the delete: the
    // run dies between the deletion (committed, its counts in the chain) and the certificate.
    const reader = await warehouse.connect();
    try {
      await reader.run('BEGIN TRANSACTION');
      await reader.runAndReadAll('SELECT count(*) FROM member_records');
      await expect(offboardMember(options)).rejects.toThrow(/Cannot CHECKPOINT/);
    } finally {
      reader.closeSync();
    }
    expect(await eventsOfM03('member.data_deleted')).toMatchObject([
      { details: { reason: 'offboarding', records: ONLY_M03 } },
    ]);
    expect(await eventsOfM03('member.offboarded')).toEqual([]);
    // The data the member was given is in the chain already.
    expect(await eventsOfM03('member.data_exported')).toMatchObject([
      { details: { reason: 'offboarding', files: [{ rows: ONLY_M03 }, { rows: 0 }] } },
    ]);
    const exported = readdirSync(reportsOf('M03')).sort();
    const recordedFiles = (await eventsOfM03('member.data_exported'))[0]!.details
      .files as TOffboardingExportFile[];
    expect(exported).toEqual(recordedFiles.map((file) => file.fileName));

    // The re-run dies at the very end: its certificate cannot be appended (a trigger),
    // after it deleted the member's drop file.
    const failure = await failAuditAppends(control.db, "NEW.action = 'member.offboarded'");
    await expect(offboardMember(options)).rejects.toThrow(/injected failure/);
    await failure.restore();
    expect(readdirSync(path.join(dropStore(), 'M03'))).toEqual([]);

    // The third run completes; its certificate counts what the offboarding deleted and names
    // the export the member got (the first run's), not the empty set left for this run.
    const certificate = await offboardMember(options);
    expect(certificate.deleted).toMatchObject({
      records: ONLY_M03,
      personsRemoved: ONLY_M03,
      dropFiles: 1,
    });
    expect(certificate.deletionSeqs).toHaveLength(3);
    expect(certificate.export?.files).toMatchObject([
      { fileName: exported[0], rows: ONLY_M03 },
      { fileName: exported[1], rows: 0 },
    ]);
    expect(readdirSync(reportsOf('M03')).sort()).toEqual(exported);
    const certificates = await eventsOfM03('member.offboarded');
    expect(certificates).toHaveLength(1);
    expect(certificates[0]!.details).toMatchObject({
      deleted: { records: ONLY_M03 },
      export: { files: [{ rows: ONLY_M03 }, { rows: 0 }] },
    });
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  }, 120_000);
  it('completes when it died between writing the export and recording it: the unrecorded files go, one export is recorded', async () => {
    const ONLY_M04 = 12;
    await addMemberWithData('M04', ONLY_M04);
    // The files are written, then their record cannot be appended: as if the process died there.
    const failure = await failAuditAppends(control.db, "NEW.action = 'member.data_exported'");
    await expect(offboardMember(exportOptions('M04'))).rejects.toThrow(/injected failure/);
    await failure.restore();
    const unrecorded = readdirSync(reportsOf('M04')).sort();
    expect(unrecorded).toHaveLength(2);
    expect(await eventsOf('M04', 'member.data_exported')).toEqual([]);
    // Nothing was deleted yet: the export comes first.
    expect(await query("SELECT count(*) FROM member_records WHERE member_code = 'M04'")).toEqual([
      [BigInt(ONLY_M04)],
    ]);

    // The re-run (the same day) exports again under names never used, removes the files no
    // event names (recorded as file.purged), and records its export once.
    const certificate = await offboardMember(exportOptions('M04'));
    const names = certificate.export?.files.map((file) => file.fileName) ?? [];
    expect(names).toHaveLength(2);
    expect(names.filter((name) => unrecorded.includes(name))).toEqual([]);
    expect(readdirSync(reportsOf('M04')).sort()).toEqual([...names].sort());
    expect(certificate.export?.files).toMatchObject([{ rows: ONLY_M04 }, { rows: 0 }]);
    expect(certificate.deleted.records).toBe(ONLY_M04);
    const recorded = await eventsOf('M04', 'member.data_exported');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.details.files).toEqual(certificate.export?.files);
    expect(await eventsOf('M04', 'file.purged')).toContainEqual(
      expect.objectContaining({
        objectType: 'member_reports',
        details: expect.objectContaining({ reason: 'offboarding_unrecorded_export', removed: 2 }),
      }),
    );
    const customers = home
      .run(['--decrypt', path.join(reportsOf('M04'), names[0]!)])
      .toString('utf8')
      .trimEnd()
      .split('\n');
    expect(customers).toHaveLength(1 + ONLY_M04);
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  }, 120_000);

  it('keeps an export that only a certificate names (offboarded before member.data_exported existed) when it runs again', async () => {
    const ONLY_M07 = 4;
    await addMemberWithData('M07', ONLY_M07);
    const member = await getOrganisation(ctx, 'M07');
    // An earlier version's offboarding: its export (named without a run) is recorded in its
    // certificate only; the member may not have fetched it yet.
    const certified = `offboarding-${day}-customers.csv.gpg`;
    mkdirSync(reportsOf('M07'), { recursive: true });
    writeFileSync(path.join(reportsOf('M07'), certified), 'certified export');
    await appendAuditEvent(ctx.db, ctx.clock, {
      action: 'member.offboarded',
      actor,
      objectType: 'organisation',
      objectId: member.id,
      organisationCode: 'M07',
      details: {
        mode: 'export',
        export: {
          files: [{ fileName: certified, sizeBytes: 16, sha256: 'a'.repeat(64), rows: 0 }],
        },
      },
    });

    // Run again (e.g. after a restore brought its data back): the certified export stays.
    const deleteOnly = { ...exportOptions('M07'), mode: 'delete_only' as const, signingKey: null };
    await offboardMember(deleteOnly);
    expect(readdirSync(reportsOf('M07'))).toEqual([certified]);
    expect(await eventsOf('M07', 'file.purged')).not.toContainEqual(
      expect.objectContaining({ objectType: 'member_reports' }),
    );
  }, 120_000);

  it('deletes nothing once this process no longer owns the pool, and a re-run by the owner deletes', async () => {
    const ONLY_M06 = 6;
    await addMemberWithData('M06', ONLY_M06);
    const deleteOnly = { ...exportOptions('M06'), mode: 'delete_only' as const, signingKey: null };
    // The lease was taken over while the offboarding ran (openPool's confirmOwnership throws).
    const owned = warehouse.confirmOwnership;
    const lost = new Error('the pool lease was lost');
    warehouse.confirmOwnership = async () => {
      throw lost;
    };
    try {
      await expect(offboardMember(deleteOnly)).rejects.toBe(lost);
    } finally {
      warehouse.confirmOwnership = owned;
    }
    // This copy of the pool keeps the member's data, and no deletion is counted.
    expect(await query("SELECT count(*) FROM member_records WHERE member_code = 'M06'")).toEqual([
      [BigInt(ONLY_M06)],
    ]);
    expect(await query('SELECT count(*) FROM audit_outbox')).toEqual([[0n]]);
    expect(await eventsOf('M06', 'member.data_deleted')).toEqual([]);
    expect(await eventsOf('M06', 'member.offboarded')).toEqual([]);

    const certificate = await offboardMember(deleteOnly);
    expect(certificate.deleted.records).toBe(ONLY_M06);
    expect(await query("SELECT count(*) FROM member_records WHERE member_code = 'M06'")).toEqual([
      [0n],
    ]);
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  }, 120_000);

  it('refuses an --export re-run once a --delete-only run deleted the data: nothing to return, nothing certified as the export', async () => {
    const ONLY_M05 = 8;
    await addMemberWithData('M05', ONLY_M05);
    const deleteOnly = { ...exportOptions('M05'), mode: 'delete_only' as const, signingKey: null };
    // The delete-only run deletes everything, then dies before its certificate.
    const failure = await failAuditAppends(control.db, "NEW.action = 'member.offboarded'");
    await expect(offboardMember(deleteOnly)).rejects.toThrow(/injected failure/);
    await failure.restore();
    expect(await eventsOf('M05', 'member.data_deleted')).toMatchObject([
      { details: { reason: 'offboarding', records: ONLY_M05 } },
    ]);

    // An --export re-run would return an empty set: it is refused, before anything changes.
    await expect(offboardMember(exportOptions('M05'))).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/M05.*already deleted.*--delete-only/),
    });
    expect(await eventsOf('M05', 'member.data_exported')).toEqual([]);
    expect(await eventsOf('M05', 'member.offboarded')).toEqual([]);
    expect(readdirSync(path.join(directory, 'sftp'))).not.toContain('M05');

    // The offboarding completes as it started: delete-only, its certificate with what the first run deleted.
    const certificate = await offboardMember(deleteOnly);
    expect(certificate).toMatchObject({ mode: 'delete_only', export: null });
    expect(certificate.deleted.records).toBe(ONLY_M05);
    // And once certified, an --export run is refused all the same: the data is gone.
    await expect(offboardMember(exportOptions('M05'))).rejects.toMatchObject({ code: 'conflict' });
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  }, 120_000);
  it('certifies the recorded export when a --delete-only run finishes an --export run, the key revoked meanwhile', async () => {
    const ONLY_M08 = 6;
    await addMemberWithData('M08', ONLY_M08);
    // The export is recorded, then the run dies (its deletion cannot be recorded).
    const failure = await failAuditAppends(control.db, "NEW.action = 'member.data_deleted'");
    await expect(offboardMember(exportOptions('M08'))).rejects.toThrow(/injected failure/);
    await failure.restore();
    expect(await eventsOf('M08', 'member.data_exported')).toHaveLength(1);
    // The member reports its key compromised: an operator revokes it.
    const [key] = await listOrganisationKeys(ctx, { organisationCode: 'M08', keyType: 'pgp' });
    await revokeOrganisationKey(ctx, actor, key!.id);
    const deleteOnly = { ...exportOptions('M08'), mode: 'delete_only' as const, signingKey: null };
    const certificate = await offboardMember(deleteOnly);
    expect(certificate.mode).toBe('export');
    expect(certificate.export?.files).toMatchObject([{ rows: ONLY_M08 }, { rows: 0 }]);
    expect((await eventsOf('M08', 'member.offboarded'))[0]?.details).toMatchObject({
      mode: 'export',
    });
  }, 120_000);

  it('counts in its certificate what a pool build deleted after its run died before the deletion', async () => {
    const ONLY_M09 = 5;
    await addMemberWithData('M09', ONLY_M09);
    // A run reached "deletion due", then died; the next daily build deleted the data.
    await updateOrganisation(ctx, actor, 'M09', { status: 'offboarded' });
    await markMemberDataDeletionDue(ctx, 'M09');
    await purgeOffboardedMembers({
      ctx,
      warehouse,
      actor,
      trigger: 'housekeeping',
      memberSectors: new Map(),
    });
    await deliverPoolAuditOutbox({ ctx, warehouse });
    const deleteOnly = { ...exportOptions('M09'), mode: 'delete_only' as const, signingKey: null };
    const certificate = await offboardMember(deleteOnly);
    expect(certificate.deleted).toMatchObject({ records: ONLY_M09 });
  }, 120_000);
});
