// The selection flow at package level, on a real pool (DuckDB file), a real control
// plane (PGlite, and PostgreSQL when DATABASE_URL is set) and real GnuPG: count and
// disclosure, order, four eyes, the delivery job (provenance, seeds, encryption to the
// client's key, signature, atomic outbox write), the repoussoir applied at delivery
// time, key problems, expiry and seed hits.
import { type ExecFileSyncOptions, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  addOrganisationKey,
  addRepoussoirEntry,
  type ControlContext,
  createOrganisation,
  createSelection,
  decideSelection,
  getDelivery,
  getMemberUsage,
  getSelection,
  listAlerts,
  listLatestAuditEvents,
  listOrganisationKeys,
  orderSelection,
  recordSeedHit,
  revokeOrganisationKey,
  SYSTEM_ACTOR,
  setInstruction,
  verifyAuditChain,
} from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { generatePgpKeyPair, type TPgpKeyPair } from '@alliage/crypto';
import { createGpgHome, type GpgHome, hasGpg } from '@alliage/crypto/testing';
import type { TInstructionBodyInput } from '@alliage/domain';
import type { TWarehouse } from '@alliage/warehouse';
import {
  createTestWarehouse,
  insertFixtureActivity,
  insertFixturePersons,
  insertFixtureRecords,
  reachableRecord,
  type TFixtureRecord,
} from '@alliage/warehouse/testing';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSelectionAudience } from './count-selection-audience.ts';
import { expireDeliveries } from './expire-deliveries.ts';
import { runDelivery } from './run-delivery.ts';
import { TEST_HMAC_SECRET, TEST_SELECTION_SETTINGS, testActor } from './selection-test-fixtures.ts';
import { sweepDeliveryOutboxes } from './sweep-delivery-outboxes.ts';

// gpg's human messages (key holders, signature notes) stay out of the test output.
const GPG_QUIET: ExecFileSyncOptions = { stdio: ['ignore', 'pipe', 'pipe'] };

const SETTINGS = TEST_SELECTION_SETTINGS;
// After every key made here (a key signed 'in the future' of the clock is invalid).
const TODAY = '2027-06-30';
const OPPOSED_HMAC = 'a'.repeat(64);
const LATE_OPPOSED_HMAC = 'b'.repeat(64);

const instruction = (deny: string[]): TInstructionBodyInput => ({
  purposes: ['targeting'],
  channels: ['postal', 'email'],
  thirdPartyAllowed: true,
  clientSectorsAllow: null,
  clientSectorsDeny: deny as TInstructionBodyInput['clientSectorsDeny'],
  signedBy: 'Test DPO (test only)',
  effectiveFrom: '2026-01-01',
});

const actor = testActor;
const MARKETER = actor('principal:marketer-test', 'client_marketer');
const OPERATOR = actor('principal:operator-test', 'operator');

describe.skipIf(!hasGpg).each(testControlDbKinds())('selection flow (%s)', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let pool: Awaited<ReturnType<typeof createTestWarehouse>>;
  let warehouse: TWarehouse;
  let gpg: GpgHome;
  let clientFingerprint: string;
  let platformKey: TPgpKeyPair;
  let sftpRoot: string;
  let now = new Date(`${TODAY}T10:00:00Z`);

  const newSelection = async (channel: 'postal' | 'email', name = 'test selection') =>
    createSelection(ctx, MARKETER, {
      clientOrgCode: 'C01',
      request: {
        name,
        channel,
        purpose: 'targeting',
        campaignStart: '2027-07-01',
        campaignEnd: '2027-07-31',
      },
    });
  const approve = async (selectionId: string, quantity: number) => {
    await orderSelection(ctx, MARKETER, { selectionId, quantity, minimum: 20 });
    await decideSelection(ctx, OPERATOR, { selectionId, decision: 'approve', reason: 'ok' });
  };
  const deliver = (selectionId: string) =>
    runDelivery({
      ctx,
      warehouse,
      settings: SETTINGS,
      sftpRoot,
      signingKey: { armoredPrivateKey: platformKey.armoredPrivateKey },
      selectionId,
      hmacSecret: TEST_HMAC_SECRET,
    });
  /** Decrypts a delivery as the client would, with GnuPG; answers its rows and gpg's status lines. */
  const openDelivery = (fileName: string) => {
    const file = path.join(sftpRoot, 'C01', 'out', fileName);
    const status = path.join(gpg.dir, 'status.txt');
    const clear = execFileSync(
      'gpg',
      [
        ...['--homedir', gpg.dir, '--batch', '--trust-model', 'always'],
        ...['--status-file', status, '--decrypt', file],
      ],
      GPG_QUIET,
    );
    const rows = parse(clear, { columns: true, bom: true }) as Record<string, string>[];
    return { rows, status: readFileSync(status, 'utf8') };
  };

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => now };
    pool = await createTestWarehouse();
    warehouse = pool.warehouse;
    gpg = createGpgHome();
    sftpRoot = mkdtempSync(path.join(os.tmpdir(), 'alliage-selection-test-'));
    platformKey = await generatePgpKeyPair({
      name: 'Platform (test only)',
      email: 'platform@alliage.invalid',
    });
    gpg.run(['--import'], platformKey.armoredPublicKey);
    clientFingerprint = gpg.generateKey({
      algorithm: 'ed25519',
      usage: 'sign',
      encryptionSubkey: 'cv25519',
    });

    for (const [code, sector, deny] of [
      ['M01', 'equipement_maison', []],
      ['M02', 'equipement_personne', ['energie']],
    ] as const) {
      await createOrganisation(ctx, SYSTEM_ACTOR, {
        code,
        name: `Member ${code}`,
        kind: 'member',
        sector,
      });
      await setInstruction(ctx, SYSTEM_ACTOR, code, instruction([...deny]));
    }
    await createOrganisation(ctx, SYSTEM_ACTOR, {
      code: 'C01',
      name: 'Client',
      kind: 'client',
      sector: 'energie',
    });
    await addOrganisationKey(ctx, SYSTEM_ACTOR, {
      organisationCode: 'C01',
      keyType: 'pgp',
      publicKey: gpg.exportPublicKey(clientFingerprint),
    });

    // 40 persons at M01 (permits the client), 10 more only at M02 (denies its sector);
    // person 1's email is on the repoussoir; person 2's M01 record has no email
    // consent while its M02 record has one (provenance: its email must never leave).
    const records: TFixtureRecord[] = [];
    for (let n = 1; n <= 40; n += 1) {
      records.push(
        reachableRecord(
          { recordId: n, personId: n, memberCode: 'M01' },
          {
            ...(n === 1 ? { emailHmac: OPPOSED_HMAC } : {}),
            ...(n === 3 ? { emailHmac: LATE_OPPOSED_HMAC } : {}),
            ...(n === 2 ? { optinEmail: false } : {}),
          },
        ),
      );
    }
    records.push(
      reachableRecord(
        { recordId: 1002, personId: 2, memberCode: 'M02' },
        { email: 'only-at-m02@example.test' },
      ),
    );
    for (let n = 41; n <= 50; n += 1) {
      records.push(reachableRecord({ recordId: n, personId: n, memberCode: 'M02' }));
    }
    await warehouse.withWriter(async (connection) => {
      await insertFixtureRecords(connection, records);
      for (const record of records) {
        await insertFixtureActivity(connection, {
          memberCode: record.memberCode,
          customerId: record.customerId,
          lastTransaction: '2026-05-01',
        });
      }
      await insertFixturePersons(
        connection,
        Array.from({ length: 50 }, (_, index) => ({ personId: index + 1 })),
      );
    });
    await addRepoussoirEntry(ctx, SYSTEM_ACTOR, {
      kind: 'email',
      hmac: OPPOSED_HMAC,
      scope: 'all',
      source: 'operator',
    });
  });

  afterAll(async () => {
    await pool?.cleanup();
    await control?.close();
    gpg?.close();
    if (sftpRoot) rmSync(sftpRoot, { recursive: true, force: true });
  });

  it('counts only what the instructions, consents and repoussoir allow, rounded', async () => {
    const selection = await newSelection('email', 'count');
    const count = await countSelectionAudience({
      ctx,
      warehouse,
      settings: SETTINGS,
      actor: MARKETER,
      hmacSecret: TEST_HMAC_SECRET,
      selectionId: selection.id,
    });
    // M01 only (M02 denies energie); person 1 opposed, person 2 without email consent at M01.
    expect(count.total).toBe(40); // 38 rounded to 10
    expect(count.blurred).toBe(false);
    expect(count.byChannel?.postal).toBe(40); // 39 rounded
    expect(count.byChannel?.sms).toBe('<20'); // no member permits sms
    // Another client's view of this selection does not exist.
    await expect(
      countSelectionAudience({
        ctx,
        warehouse,
        settings: SETTINGS,
        actor: MARKETER,
        hmacSecret: TEST_HMAC_SECRET,
        selectionId: selection.id,
        clientOrgId: '00000000-0000-4000-8000-000000000000',
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses an approval by the requester and orders below the threshold', async () => {
    const selection = await newSelection('email', 'four eyes');
    await expect(
      orderSelection(ctx, MARKETER, { selectionId: selection.id, quantity: 25, minimum: 20 }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await countSelectionAudience({
      ctx,
      warehouse,
      settings: SETTINGS,
      actor: MARKETER,
      hmacSecret: TEST_HMAC_SECRET,
      selectionId: selection.id,
    });
    await expect(
      orderSelection(ctx, MARKETER, { selectionId: selection.id, quantity: 5, minimum: 20 }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await orderSelection(ctx, MARKETER, { selectionId: selection.id, quantity: 25, minimum: 20 });
    await expect(
      decideSelection(ctx, MARKETER, {
        selectionId: selection.id,
        decision: 'approve',
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('delivers an encrypted, signed file with provenance, seeds and the repoussoir of the day', async () => {
    const selection = await newSelection('email', 'delivery');
    await countSelectionAudience({
      ctx,
      warehouse,
      settings: SETTINGS,
      actor: MARKETER,
      hmacSecret: TEST_HMAC_SECRET,
      selectionId: selection.id,
    });
    await approve(selection.id, 100);
    // An entry added after the count still stops the delivery (rule 5).
    await addRepoussoirEntry(ctx, SYSTEM_ACTOR, {
      kind: 'email',
      hmac: LATE_OPPOSED_HMAC,
      scope: 'email',
      source: 'operator',
    });
    const delivery = await deliver(selection.id);
    expect(delivery.status).toBe('written');
    expect(delivery.rowCount).toBe(37 + SETTINGS.seedCount);
    expect(delivery.recipientKeyFingerprint).toBe(clientFingerprint);

    const { rows, status } = openDelivery(delivery.fileName as string);
    expect(status).toMatch(new RegExp(`VALIDSIG ${platformKey.fingerprint}`, 'i'));
    expect(rows).toHaveLength(37 + SETTINGS.seedCount);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'row_id',
      'civility',
      'first_name',
      'last_name',
      'email',
    ]);
    const emails = rows.map((row) => row.email);
    expect(emails).not.toContain('r1@example.test'); // repoussoir, scope all
    expect(emails).not.toContain('r3@example.test'); // repoussoir added after the count
    expect(emails).not.toContain('only-at-m02@example.test'); // provenance
    expect(emails).not.toContain('r2@example.test'); // no consent at the permitting member
    expect(emails.filter((email) => email?.endsWith('@alliage-temoins.fr'))).toHaveLength(3);
    expect(new Set(rows.map((row) => row.row_id)).size).toBe(rows.length);

    // Seeds are recorded; usage names the member; a second run changes nothing.
    expect(await getMemberUsage(ctx, 'M01')).toEqual([
      expect.objectContaining({ personCount: 37, channel: 'email', clientSector: 'energie' }),
    ]);
    expect(await getMemberUsage(ctx, 'M02')).toEqual([]);
    expect((await deliver(selection.id)).id).toBe(delivery.id);
    expect((await getSelection(ctx, selection.id)).status).toBe('delivered');
    // No partial file is left behind.
    expect(readdirSync(path.join(sftpRoot, 'C01', 'out'))).toEqual([delivery.fileName]);

    // A seed contacted after the campaign raises an alert naming the delivery.
    const seedEmail = emails.find((email) => email?.endsWith('@alliage-temoins.fr')) as string;
    now = new Date('2027-09-16T10:00:00Z');
    const late = await recordSeedHit(ctx, OPERATOR, {
      contact: { kind: 'email', value: seedEmail },
      channel: 'email',
      contactedAt: new Date('2027-09-15T10:00:00Z'),
    });
    now = new Date(`${TODAY}T10:00:00Z`);
    expect(late.alert).toMatchObject({ kind: 'seed_hit_out_of_window' });
    expect((await listAlerts(ctx, {}))[0]?.deliveryId).toBe(delivery.id);

    // Expiry deletes the file and marks the delivery.
    now = new Date(now.getTime() + 31 * 86_400_000);
    try {
      expect(await expireDeliveries({ ctx, sftpRoot })).toBe(1);
      expect(existsSync(path.join(sftpRoot, 'C01', 'out', delivery.fileName as string))).toBe(
        false,
      );
      expect((await getDelivery(ctx, delivery.id)).status).toBe('expired');

      // A restore of the data directory from before the expiry brings the file back,
      // beside a file of a delivery an older control plane never knew (ours by name,
      // created 40 days ago) and one that is no delivery's: the hourly pass deletes the
      // first two, counts the last and leaves it.
      const outbox = path.join(sftpRoot, 'C01', 'out');
      const restored = path.join(outbox, delivery.fileName as string);
      const day = (offsetDays: number) =>
        new Date(now.getTime() - offsetDays * 86_400_000)
          .toISOString()
          .slice(0, 10)
          .replaceAll('-', '');
      const forgotten = path.join(outbox, `alliage-${day(40)}-0badc0de.csv.gpg`);
      const foreign = path.join(outbox, 'notes-operator.txt');
      const recent = path.join(outbox, `alliage-${day(2)}-0badc0de.csv.gpg`);
      for (const file of [restored, forgotten, foreign, recent]) writeFileSync(file, 'encrypted');
      const sweep = await sweepDeliveryOutboxes({
        ctx,
        actor: SYSTEM_ACTOR,
        sftpRoot,
        expiryDays: 30,
      });
      expect(sweep).toEqual({ removed: 1, removedUnknown: 1, kept: 0, unknown: 2 });
      expect(readdirSync(outbox).sort()).toEqual([path.basename(recent), 'notes-operator.txt']);
      expect((await listLatestAuditEvents(ctx, 1))[0]).toMatchObject({
        action: 'file.purged',
        objectType: 'delivery_outbox',
        details: { reason: 'delivery_finished', removed: 1, removedUnknown: 1, unknown: 2 },
      });
    } finally {
      now = new Date(`${TODAY}T10:00:00Z`);
    }
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  });

  it('records the instruction version each count and delivery ran under', async () => {
    const selection = await newSelection('postal', 'instruction versions');
    const count = await countSelectionAudience({
      ctx,
      warehouse,
      settings: SETTINGS,
      actor: MARKETER,
      hmacSecret: TEST_HMAC_SECRET,
      selectionId: selection.id,
    });
    expect(count.total).not.toBe('<20');
    // M01 changes its instruction between the count and the delivery: version 2.
    await setInstruction(ctx, SYSTEM_ACTOR, 'M01', instruction(['automobile']));
    await approve(selection.id, 20);
    const delivery = await deliver(selection.id);
    expect(delivery.status).toBe('written');

    expect(
      (await getMemberUsage(ctx, 'M01')).find((usage) => usage.deliveryId === delivery.id),
    ).toMatchObject({ personCount: 20, instructionVersion: 2 });
    const detailsOf = async (action: string, objectId: string) =>
      (
        await ctx.db
          .selectFrom('audit_events')
          .select('details')
          .where('action', '=', action)
          .where('object_id', '=', objectId)
          .orderBy('seq', 'desc')
          .executeTakeFirstOrThrow()
      ).details;
    // The count read only M01 (M02 denies the client's sector), under version 1.
    expect(await detailsOf('selection.counted', selection.id)).toMatchObject({
      instructionVersions: { M01: 1 },
    });
    expect(await detailsOf('delivery.created', delivery.id)).toMatchObject({
      members: { M01: 20 },
      instructionVersions: { M01: 2 },
    });
    expect(
      (await detailsOf('selection.counted', selection.id)).instructionVersions,
    ).not.toHaveProperty('M02');
  });

  it('fails the delivery with a clear error when the client has no valid key', async () => {
    const selection = await newSelection('postal', 'no key');
    await countSelectionAudience({
      ctx,
      warehouse,
      settings: SETTINGS,
      actor: MARKETER,
      hmacSecret: TEST_HMAC_SECRET,
      selectionId: selection.id,
    });
    await approve(selection.id, 20);
    const keys = await listOrganisationKeys(ctx, { organisationCode: 'C01', keyType: 'pgp' });
    for (const key of keys) await revokeOrganisationKey(ctx, SYSTEM_ACTOR, key.id);
    await expect(deliver(selection.id)).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('no valid PGP key'),
    });
    expect((await getSelection(ctx, selection.id)).status).toBe('failed');
  });
});
