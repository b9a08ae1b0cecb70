// The delivery job's refusals and retries, on a real pool (DuckDB file), a real control
// plane (PGlite, and PostgreSQL when DATABASE_URL is set) and real OpenPGP: a client
// that is not active gets nothing, and a failed attempt leaves no delivered persons
// behind for its retry.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  addOrganisationKey,
  type ControlContext,
  createOrganisation,
  createSelection,
  decideSelection,
  getDelivery,
  getSelection,
  listDeliveries,
  listLatestAuditEvents,
  orderSelection,
  SYSTEM_ACTOR,
  setInstruction,
  updateOrganisation,
} from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { generatePgpKeyPair, type TPgpKeyPair } from '@alliage/crypto';
import type { TSelectionCriteriaInput } from '@alliage/domain';
import type { TWarehouse } from '@alliage/warehouse';
import {
  createTestWarehouse,
  insertFixtureActivity,
  insertFixturePersons,
  insertFixtureRecords,
  reachableRecord,
  type TFixtureRecord,
} from '@alliage/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSelectionAudience } from './count-selection-audience.ts';
import { runDelivery } from './run-delivery.ts';
import { TEST_HMAC_SECRET, TEST_SELECTION_SETTINGS, testActor } from './selection-test-fixtures.ts';

const SETTINGS = TEST_SELECTION_SETTINGS;
const TODAY = '2027-06-30';
const ELIGIBLE = 42;

const actor = testActor;
const MARKETER = actor('principal:marketer-test', 'client_marketer');
const OPERATOR = actor('principal:operator-test', 'operator');

describe.each(testControlDbKinds())('runDelivery: refusals and retries (%s)', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let pool: Awaited<ReturnType<typeof createTestWarehouse>>;
  let warehouse: TWarehouse;
  let platformKey: TPgpKeyPair;
  let sftpRoot: string;
  let now = new Date(`${TODAY}T10:00:00Z`);

  /** A selection of `client`, counted, ordered and approved by another principal. */
  const approvedSelection = async (
    client: string,
    quantity: number,
    criteria: TSelectionCriteriaInput = {},
  ) => {
    const selection = await createSelection(ctx, MARKETER, {
      clientOrgCode: client,
      request: {
        name: 'delivery test',
        channel: 'postal',
        purpose: 'targeting',
        campaignStart: '2027-07-01',
        campaignEnd: '2027-07-31',
        criteria,
      },
    });
    await countSelectionAudience({
      ctx,
      warehouse,
      settings: SETTINGS,
      actor: MARKETER,
      hmacSecret: TEST_HMAC_SECRET,
      selectionId: selection.id,
    });
    await orderSelection(ctx, MARKETER, { selectionId: selection.id, quantity, minimum: 20 });
    await decideSelection(ctx, OPERATOR, {
      selectionId: selection.id,
      decision: 'approve',
      reason: 'ok',
    });
    return selection;
  };
  const deliver = (selectionId: string, settings = SETTINGS) =>
    runDelivery({
      ctx,
      warehouse,
      settings,
      sftpRoot,
      signingKey: { armoredPrivateKey: platformKey.armoredPrivateKey },
      selectionId,
      hmacSecret: TEST_HMAC_SECRET,
    });
  const outbox = (client: string) => {
    try {
      return readdirSync(path.join(sftpRoot, client, 'out'));
    } catch {
      return [];
    }
  };
  const deliveredPersons = (deliveryId: string) =>
    warehouse.withWriter(async (connection) =>
      (
        await connection.runAndReadAll(
          'SELECT person_id FROM delivered_persons WHERE delivery_id = $delivery ORDER BY person_id',
          { delivery: deliveryId },
        )
      )
        .getRowObjectsJS()
        .map((row) => Number(row.person_id)),
    );
  const failuresOf = async (deliveryId: string) =>
    (await listLatestAuditEvents(ctx, 500)).filter(
      (event) =>
        event.action === 'delivery.created' &&
        event.objectId === deliveryId &&
        (event.details as { status?: string }).status === 'failed',
    );

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => now };
    pool = await createTestWarehouse();
    warehouse = pool.warehouse;
    sftpRoot = mkdtempSync(path.join(os.tmpdir(), 'alliage-run-delivery-test-'));
    platformKey = await generatePgpKeyPair({
      name: 'Platform (test only)',
      email: 'platform@alliage.invalid',
    });
    const clientKey = await generatePgpKeyPair({
      name: 'Client (test only)',
      email: 'client@alliage.invalid',
    });
    await createOrganisation(ctx, SYSTEM_ACTOR, {
      code: 'M01',
      name: 'Member M01',
      kind: 'member',
      sector: 'equipement_maison',
    });
    await setInstruction(ctx, SYSTEM_ACTOR, 'M01', {
      purposes: ['targeting'],
      channels: ['postal'],
      thirdPartyAllowed: true,
      clientSectorsAllow: null,
      clientSectorsDeny: [],
      signedBy: 'Test DPO (test only)',
      effectiveFrom: '2026-01-01',
    });
    for (const code of ['C01', 'C02', 'C03', 'C04']) {
      await createOrganisation(ctx, SYSTEM_ACTOR, {
        code,
        name: `Client ${code}`,
        kind: 'client',
        sector: 'energie',
      });
      await addOrganisationKey(ctx, SYSTEM_ACTOR, {
        organisationCode: code,
        keyType: 'pgp',
        publicKey: clientKey.armoredPublicKey,
      });
    }
    const records: TFixtureRecord[] = Array.from({ length: ELIGIBLE }, (_, index) =>
      reachableRecord({ recordId: index + 1, personId: index + 1, memberCode: 'M01' }),
    );
    await warehouse.withWriter(async (connection) => {
      await insertFixtureRecords(connection, records);
      for (const record of records) {
        await insertFixtureActivity(connection, {
          memberCode: record.memberCode,
          customerId: record.customerId,
          lastTransaction: '2027-05-01',
        });
      }
      await insertFixturePersons(
        connection,
        records.map((record) => ({ personId: record.personId })),
      );
    });
  });

  afterAll(async () => {
    await pool?.cleanup();
    await control?.close();
    if (sftpRoot) rmSync(sftpRoot, { recursive: true, force: true });
  });

  it('delivers nothing to a suspended client, and delivers once it is reactivated', async () => {
    const selection = await approvedSelection('C01', 20);
    await updateOrganisation(ctx, SYSTEM_ACTOR, 'C01', { status: 'suspended' });
    // Files stay a day: the reactivation comes after the first attempt's expiry date.
    const oneDay = { ...SETTINGS, deliveryExpiryDays: 1 };

    await expect(deliver(selection.id, oneDay)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('client C01 is suspended'),
    });
    const [failed] = (await listLatestAuditEvents(ctx, 1)).filter(
      (event) => event.action === 'delivery.created',
    );
    expect(failed?.details).toMatchObject({ status: 'failed', errorCode: 'client_inactive' });
    const delivery = await getDelivery(ctx, failed?.objectId as string);
    expect(delivery).toMatchObject({ status: 'failed', errorCode: 'client_inactive' });
    expect(delivery.errorMessage).toContain('runs again once the client is reactivated');
    expect(outbox('C01')).toEqual([]);
    expect(await deliveredPersons(delivery.id)).toEqual([]);
    // The selection waits for the reactivation (the hourly catch-up runs the job again).
    expect((await getSelection(ctx, selection.id)).status).toBe('approved');

    // Still suspended: refused again, without a second failure recorded.
    await expect(deliver(selection.id)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await failuresOf(delivery.id)).toHaveLength(1);
    expect(outbox('C01')).toEqual([]);

    await updateOrganisation(ctx, SYSTEM_ACTOR, 'C01', { status: 'active' });
    const before = now;
    now = new Date(now.getTime() + 2 * 86_400_000);
    let written: Awaited<ReturnType<typeof deliver>>;
    try {
      written = await deliver(selection.id, oneDay);
    } finally {
      now = before;
    }
    expect(written).toMatchObject({
      id: delivery.id,
      status: 'written',
      errorCode: null,
      rowCount: 20 + SETTINGS.seedCount,
    });
    // Available for its full time from when it is written, not expired at once.
    expect(written.expiresAt.getTime()).toBeGreaterThan(before.getTime() + 2 * 86_400_000);
    expect(outbox('C01')).toEqual([written.fileName]);
    expect(await deliveredPersons(delivery.id)).toHaveLength(20);
    expect((await getSelection(ctx, selection.id)).status).toBe('delivered');
  });

  it('fails the delivery of an offboarded client for good', async () => {
    const selection = await approvedSelection('C02', 20);
    await updateOrganisation(ctx, SYSTEM_ACTOR, 'C02', { status: 'offboarded' });
    await expect(deliver(selection.id)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('client C02 is offboarded'),
    });
    expect((await getSelection(ctx, selection.id)).status).toBe('failed');
    expect(outbox('C02')).toEqual([]);
  });

  it('retries a failed attempt from a clean state: the quantity ordered, recorded once', async () => {
    const selection = await approvedSelection('C03', 30, { excludeDeliveredWithinDays: 30 });
    // A transient failure after the extraction: the outbox cannot be created.
    writeFileSync(path.join(sftpRoot, 'C03'), 'not a directory');
    const failure = await deliver(selection.id).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    rmSync(path.join(sftpRoot, 'C03'));
    expect((await getSelection(ctx, selection.id)).status).toBe('approved');

    const delivery = await deliver(selection.id);
    expect(delivery).toMatchObject({ status: 'written', rowCount: 30 + SETTINGS.seedCount });
    expect(await deliveredPersons(delivery.id)).toHaveLength(30);
  });

  it('draws the same persons again when a failed attempt is retried', async () => {
    // 20 of the 42 eligible: a new draw would almost surely pick others.
    const selection = await approvedSelection('C04', 20);
    // A transient failure after the extraction: the outbox cannot be created.
    writeFileSync(path.join(sftpRoot, 'C04'), 'not a directory');
    await expect(deliver(selection.id)).rejects.toBeInstanceOf(Error);
    rmSync(path.join(sftpRoot, 'C04'));
    const pending = (await listDeliveries(ctx)).find(
      (delivery) => delivery.selectionId === selection.id,
    );
    expect(pending?.status).toBe('pending');
    // A transient failure leaves the attempt's persons for the retry to replace.
    const firstDraw = await deliveredPersons(pending?.id as string);
    expect(firstDraw).toHaveLength(20);

    // Retried the next day: the same persons, in a file named by the delivery's creation.
    now = new Date(now.getTime() + 86_400_000);
    const delivery = await deliver(selection.id).finally(() => {
      now = new Date(`${TODAY}T10:00:00Z`);
    });
    expect(delivery).toMatchObject({ id: pending?.id, status: 'written' });
    expect(await deliveredPersons(delivery.id)).toEqual(firstDraw);
    expect(delivery.fileName).toMatch(/^alliage-20270630-/);
  });

  it('leaves no delivered persons behind when a delivery fails after its extraction', async () => {
    const selection = await approvedSelection('C03', 20);
    // A permanent error once the persons are drawn: the seeds cannot be made.
    await expect(
      deliver(selection.id, { ...SETTINGS, seedEmailDomain: 'not a domain' }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    expect((await getSelection(ctx, selection.id)).status).toBe('failed');
    const [failed] = (await listLatestAuditEvents(ctx, 1)).filter(
      (event) => event.action === 'delivery.created',
    );
    expect(failed?.details).toMatchObject({ status: 'failed', errorCode: 'validation_failed' });
    expect(await deliveredPersons(failed?.objectId as string)).toEqual([]);
  });
  it('delivers nothing when the audience holds fewer persons than the threshold', async () => {
    // No fixture person lives in Corsica: the order stands, the audience is empty.
    const selection = await approvedSelection('C04', 20, { geography: { departements: ['2A'] } });
    const filesBefore = outbox('C04');
    const refused = await deliver(selection.id).catch((error: unknown) => error as Error);
    expect(refused).toMatchObject({ code: 'validation_failed' });
    expect((refused as Error).message).toContain('fewer persons than the smallest delivery (20)');
    expect(outbox('C04')).toEqual(filesBefore);
    const [failed] = (await listLatestAuditEvents(ctx, 1)).filter(
      (event) => event.action === 'delivery.created',
    );
    expect(await deliveredPersons(failed?.objectId as string)).toEqual([]);
  });
});
