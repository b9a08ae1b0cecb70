import type { TSelectionRequestInput } from '@alliage/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from './audit-verify-chain.ts';
import { completeDelivery, type TCompleteDeliveryInput } from './complete-delivery.ts';
import { type ControlContext, cliActor, SYSTEM_ACTOR, type TActor } from './control-context.ts';
import { createDelivery } from './create-delivery.ts';
import { createOrganisation } from './create-organisation.ts';
import { createSelection } from './create-selection.ts';
import { decideSelection } from './decide-selection.ts';
import type { TDeliverySeedInput } from './delivery-seed.ts';
import { failDelivery } from './fail-delivery.ts';
import { findDeliveryByFileName } from './find-delivery-by-file-name.ts';
import { getDelivery } from './get-delivery.ts';
import { getMemberUsage } from './get-member-usage.ts';
import { getSelection } from './get-selection.ts';
import { listDeliveries } from './list-deliveries.ts';
import { listExpiredDeliveries } from './list-expired-deliveries.ts';
import { markDeliveryExpired } from './mark-delivery-expired.ts';
import { orderSelection } from './order-selection.ts';
import { recordDeliveryDownload } from './record-delivery-download.ts';
import { recordSelectionCount } from './record-selection-count.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

const admin = cliActor('admin');
const operator = cliActor('operator');
const T0 = new Date('2027-02-01T10:00:00.000Z');
const DAY_MS = 86_400_000;
const FPR_CLIENT = 'A'.repeat(40);
const FPR_PLATFORM = 'B'.repeat(40);

const REQUEST: TSelectionRequestInput = {
  name: 'Spring mailing',
  channel: 'email',
  purpose: 'targeting',
  campaignStart: '2027-03-01',
  campaignEnd: '2027-03-31',
};

const marketer = (code: string, orgId: string): TActor => ({
  ref: `principal:marketer-${code}`,
  principalId: null,
  role: 'client_marketer',
  organisationId: orgId,
  organisationCode: code,
});

let seedNumber = 0;
function seed(patch: Partial<TDeliverySeedInput> = {}): TDeliverySeedInput {
  seedNumber += 1;
  return {
    rowId: `R${String(seedNumber).padStart(6, '0')}`,
    civility: 'MME',
    firstName: 'Camille',
    lastName: `TEMOIN${seedNumber}`,
    addressLines: ['', '', '12 RUE DES LILAS', '', '69003 LYON'],
    postcode: '69003',
    email: `Seed.${seedNumber}@Seeds.Example `,
    phone: `+336${String(10_000_000 + seedNumber).slice(-8)}`,
    ...patch,
  };
}

describe.each(testControlDbKinds())('deliveries on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let now = T0;
  const org: Record<string, string> = {};

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => now };
    for (const [code, orgKind, sector] of [
      ['C01', 'client', 'energie'],
      ['C02', 'client', 'banque_assurance'],
      ['M01', 'member', 'automobile'],
      ['M02', 'member', 'equipement_maison'],
    ] as const) {
      org[code] = (
        await createOrganisation(ctx, admin, { code, name: code, kind: orgKind, sector })
      ).id;
    }
  });
  afterAll(async () => {
    await control?.close();
  });

  async function approvedSelection(clientCode: string, request = REQUEST) {
    const actor = marketer(clientCode, org[clientCode] as string);
    const selection = await createSelection(ctx, actor, { clientOrgCode: clientCode, request });
    await recordSelectionCount(ctx, actor, {
      selectionId: selection.id,
      exactTotal: 300,
      shown: { total: 300 },
      blurred: false,
    });
    await orderSelection(ctx, actor, { selectionId: selection.id, quantity: 100, minimum: 20 });
    await decideSelection(ctx, operator, {
      selectionId: selection.id,
      decision: 'approve',
      reason: 'ok',
    });
    return selection;
  }

  function completion(deliveryId: string, patch: Partial<TCompleteDeliveryInput> = {}) {
    return {
      deliveryId,
      fileName: `alliage-${deliveryId}.csv.gpg`,
      sizeBytes: 4096,
      sha256: 'c'.repeat(64),
      rowCount: 103,
      recipientKeyFingerprint: FPR_CLIENT,
      signerFingerprint: FPR_PLATFORM,
      seeds: [seed(), seed(), seed({ email: null })],
      memberUsage: [
        { memberCode: 'M01', personCount: 70 },
        { memberCode: 'M02', personCount: 40 },
      ],
      instructionVersions: { M01: 3, M02: 1 },
      ...patch,
    } satisfies TCompleteDeliveryInput;
  }

  const countRows = async (table: 'delivery_seeds' | 'delivery_member_usage' | 'audit_events') =>
    (
      await control.db
        .selectFrom(table)
        .select(sql<number>`count(*)::int`.as('count'))
        .executeTakeFirstOrThrow()
    ).count;

  it('creates one pending delivery per approved selection, idempotently', async () => {
    const draft = await createSelection(ctx, marketer('C01', org.C01 as string), {
      clientOrgCode: 'C01',
      request: REQUEST,
    });
    await expect(
      createDelivery(ctx, { selectionId: draft.id, expiresAt: new Date(T0.getTime() + DAY_MS) }),
    ).rejects.toMatchObject({ code: 'conflict' });

    const selection = await approvedSelection('C01');
    const eventsBefore = await countRows('audit_events');
    const expiresAt = new Date(T0.getTime() + 30 * DAY_MS);
    const [first, second] = await Promise.all([
      createDelivery(ctx, { selectionId: selection.id, expiresAt }),
      createDelivery(ctx, { selectionId: selection.id, expiresAt }),
    ]);
    expect(first).toMatchObject({
      selectionId: selection.id,
      clientOrgId: org.C01,
      clientOrgCode: 'C01',
      status: 'pending',
      fileName: null,
      writtenAt: null,
    });
    expect(first?.expiresAt.toISOString()).toBe(expiresAt.toISOString());
    expect(second).toEqual(first);
    const later = await createDelivery(ctx, {
      selectionId: selection.id,
      expiresAt: new Date(T0.getTime() + 99 * DAY_MS),
    });
    expect(later).toEqual(first);
    // Not audited: the job's outcome is.
    expect(await countRows('audit_events')).toBe(eventsBefore);
  });

  it('completes a delivery in one transaction: file, seeds, usage, selection, audit', async () => {
    const selection = await approvedSelection('C01');
    const pending = await createDelivery(ctx, {
      selectionId: selection.id,
      expiresAt: new Date(T0.getTime() + 30 * DAY_MS),
    });
    const input = completion(pending.id);
    const written = await completeDelivery(ctx, SYSTEM_ACTOR, input);
    expect(written).toMatchObject({
      status: 'written',
      fileName: input.fileName,
      sizeBytes: 4096,
      sha256: input.sha256,
      rowCount: 103,
      seedCount: 3,
      recipientKeyFingerprint: FPR_CLIENT,
      signerFingerprint: FPR_PLATFORM,
    });
    expect(written.writtenAt?.toISOString()).toBe(T0.toISOString());
    expect((await getSelection(ctx, selection.id)).status).toBe('delivered');

    const seeds = await control.db
      .selectFrom('delivery_seeds')
      .selectAll()
      .where('delivery_id', '=', pending.id)
      .orderBy('row_id')
      .execute();
    expect(seeds).toHaveLength(3);
    // Emails are stored trimmed and lower-cased, so lookups are exact.
    expect(seeds[0]?.email).toMatch(/^seed\.\d+@seeds\.example$/);
    expect(seeds[0]?.address_lines).toEqual(['', '', '12 RUE DES LILAS', '', '69003 LYON']);
    expect(seeds[2]?.email).toBeNull();
    const usage = await control.db
      .selectFrom('delivery_member_usage')
      .selectAll()
      .where('delivery_id', '=', pending.id)
      .orderBy('person_count', 'desc')
      .execute();
    expect(usage.map((row) => [row.person_count, row.instruction_version])).toEqual([
      [70, 3],
      [40, 1],
    ]);

    const event = await control.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'delivery.created')
      .where('object_id', '=', pending.id)
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      actor: 'system',
      organisation_code: 'C01',
      details: {
        status: 'written',
        selectionId: selection.id,
        sha256: input.sha256,
        rowCount: 103,
        seedCount: 3,
        recipientKeyFingerprint: FPR_CLIENT,
        signerFingerprint: FPR_PLATFORM,
        members: { M01: 70, M02: 40 },
        instructionVersions: { M01: 3, M02: 1 },
      },
    });
    // No seed identity in the chain.
    expect(JSON.stringify(event.details)).not.toMatch(/TEMOIN|seeds\.example|\+336/);
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true });

    await expect(completeDelivery(ctx, SYSTEM_ACTOR, completion(pending.id))).rejects.toMatchObject(
      { code: 'conflict' },
    );
  });

  it('leaves nothing behind when any part of a completion fails', async () => {
    const selection = await approvedSelection('C01');
    const pending = await createDelivery(ctx, {
      selectionId: selection.id,
      expiresAt: new Date(T0.getTime() + 30 * DAY_MS),
    });
    const before = {
      seeds: await countRows('delivery_seeds'),
      usage: await countRows('delivery_member_usage'),
      events: await countRows('audit_events'),
    };
    const used = await control.db
      .selectFrom('delivery_seeds')
      .select('email')
      .where('email', 'is not', null)
      .executeTakeFirstOrThrow();
    // A seed email another delivery already carries (case differs): retryable conflict.
    await expect(
      completeDelivery(
        ctx,
        SYSTEM_ACTOR,
        completion(pending.id, { seeds: [seed(), seed({ email: used.email?.toUpperCase() })] }),
      ),
    ).rejects.toMatchObject({ code: 'conflict', retry: true });
    // An unknown member (after the seeds would have been written).
    await expect(
      completeDelivery(
        ctx,
        SYSTEM_ACTOR,
        completion(pending.id, {
          memberUsage: [{ memberCode: 'M99', personCount: 3 }],
          instructionVersions: { M99: 1 },
        }),
      ),
    ).rejects.toMatchObject({ code: 'not_found' });
    // A client is not a member.
    await expect(
      completeDelivery(
        ctx,
        SYSTEM_ACTOR,
        completion(pending.id, {
          memberUsage: [{ memberCode: 'C02', personCount: 3 }],
          instructionVersions: { C02: 1 },
        }),
      ),
    ).rejects.toMatchObject({ code: 'not_found' });
    // A member that supplied persons without the instruction version it ran under.
    await expect(
      completeDelivery(
        ctx,
        SYSTEM_ACTOR,
        completion(pending.id, { instructionVersions: { M01: 3 } }),
      ),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      fields: [{ path: 'memberUsage.1.memberCode' }],
    });
    await expect(
      completeDelivery(ctx, SYSTEM_ACTOR, completion(pending.id, { sha256: 'XYZ' })),
    ).rejects.toMatchObject({ code: 'validation_failed', fields: [{ path: 'sha256' }] });
    await expect(
      completeDelivery(ctx, SYSTEM_ACTOR, completion(pending.id, { fileName: '../escape' })),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    expect(await countRows('delivery_seeds')).toBe(before.seeds);
    expect(await countRows('delivery_member_usage')).toBe(before.usage);
    expect(await countRows('audit_events')).toBe(before.events);
    expect((await getDelivery(ctx, pending.id)).status).toBe('pending');
    expect((await getSelection(ctx, selection.id)).status).toBe('approved');
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true });
  });

  it('records a failed delivery once, and fails the selection', async () => {
    const selection = await approvedSelection('C01');
    const pending = await createDelivery(ctx, {
      selectionId: selection.id,
      expiresAt: new Date(T0.getTime() + 30 * DAY_MS),
    });
    const failed = await failDelivery(ctx, SYSTEM_ACTOR, {
      deliveryId: pending.id,
      errorCode: 'validation_failed',
      errorMessage: 'client C01 has only expired or revoked PGP keys: register a valid key',
    });
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'validation_failed' });
    expect((await getSelection(ctx, selection.id)).status).toBe('failed');
    const again = await failDelivery(ctx, SYSTEM_ACTOR, {
      deliveryId: pending.id,
      errorCode: 'internal',
      errorMessage: 'other',
    });
    expect(again.errorCode).toBe('validation_failed');
    const events = await control.db
      .selectFrom('audit_events')
      .selectAll()
      .where('object_id', '=', pending.id)
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'delivery.created',
      details: { status: 'failed', errorCode: 'validation_failed', selectionId: selection.id },
    });
    await expect(completeDelivery(ctx, SYSTEM_ACTOR, completion(pending.id))).rejects.toMatchObject(
      { code: 'conflict' },
    );
    // Creating again returns the failed one: a retry is a new decision, not a silent rerun.
    expect((await createDelivery(ctx, { selectionId: selection.id, expiresAt: T0 })).status).toBe(
      'failed',
    );
  });

  it("isolates clients: another client's delivery is not found, lists hold only one's own", async () => {
    const selectionB = await approvedSelection('C02');
    const pendingB = await createDelivery(ctx, {
      selectionId: selectionB.id,
      expiresAt: new Date(T0.getTime() + 30 * DAY_MS),
    });
    const writtenB = await completeDelivery(ctx, SYSTEM_ACTOR, completion(pendingB.id));
    await expect(getDelivery(ctx, writtenB.id, { clientOrgId: org.C01 })).rejects.toMatchObject({
      code: 'not_found',
      message: `delivery ${writtenB.id} not found`,
    });
    await expect(getDelivery(ctx, 'x')).rejects.toMatchObject({ code: 'not_found' });
    expect((await getDelivery(ctx, writtenB.id, { clientOrgId: org.C02 })).id).toBe(writtenB.id);
    const listA = await listDeliveries(ctx, { clientOrgId: org.C01 });
    expect(listA.length).toBeGreaterThan(0);
    expect(listA.every((delivery) => delivery.clientOrgCode === 'C01')).toBe(true);
    expect(await listDeliveries(ctx, { clientOrgId: org.C02 })).toEqual([writtenB]);
    expect(
      await findDeliveryByFileName(ctx, {
        clientOrgId: org.C01 as string,
        fileName: writtenB.fileName as string,
      }),
    ).toBeNull();
    expect(
      await findDeliveryByFileName(ctx, {
        clientOrgCode: 'C02',
        fileName: writtenB.fileName as string,
      }),
    ).toEqual(writtenB);
    expect(
      await findDeliveryByFileName(ctx, {
        clientOrgId: org.C02 as string,
        fileName: writtenB.fileName as string,
      }),
    ).toEqual(writtenB);
    await expect(
      recordDeliveryDownload(ctx, marketer('C01', org.C01 as string), {
        deliveryId: writtenB.id,
        clientOrgId: org.C01,
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('audits downloads, lists due expiries, expires once, then refuses downloads', async () => {
    const selection = await approvedSelection('C02');
    const pending = await createDelivery(ctx, {
      selectionId: selection.id,
      expiresAt: new Date(T0.getTime() + 10 * DAY_MS),
    });
    await expect(
      recordDeliveryDownload(ctx, SYSTEM_ACTOR, { deliveryId: pending.id }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const written = await completeDelivery(ctx, SYSTEM_ACTOR, completion(pending.id));
    const client = marketer('C02', org.C02 as string);
    await recordDeliveryDownload(ctx, client, {
      deliveryId: written.id,
      clientOrgId: org.C02,
      remoteAddress: '203.0.113.7',
    });
    const download = await control.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'delivery.downloaded')
      .where('object_id', '=', written.id)
      .executeTakeFirstOrThrow();
    expect(download).toMatchObject({
      actor: client.ref,
      organisation_code: 'C02',
      details: { fileName: written.fileName, remoteAddress: '203.0.113.7' },
    });

    expect((await listExpiredDeliveries(ctx, T0)).map((d) => d.id)).not.toContain(written.id);
    const dueAt = new Date(T0.getTime() + 10 * DAY_MS);
    expect((await listExpiredDeliveries(ctx, dueAt)).map((d) => d.id)).toContain(written.id);
    // Past its expiry but not yet marked: already refused.
    now = new Date(dueAt.getTime() + 1000);
    await expect(
      recordDeliveryDownload(ctx, client, { deliveryId: written.id }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const expired = await markDeliveryExpired(ctx, SYSTEM_ACTOR, written.id);
    expect(expired).toMatchObject({ status: 'expired' });
    expect(expired.expiredAt?.toISOString()).toBe(now.toISOString());
    expect(await markDeliveryExpired(ctx, SYSTEM_ACTOR, written.id)).toEqual(expired);
    expect((await listExpiredDeliveries(ctx, now)).map((d) => d.id)).not.toContain(written.id);
    const expiryEvents = await control.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'delivery.expired')
      .where('object_id', '=', written.id)
      .execute();
    expect(expiryEvents).toHaveLength(1);
    await expect(
      recordDeliveryDownload(ctx, client, { deliveryId: written.id }),
    ).rejects.toMatchObject({ code: 'not_found', message: `delivery ${written.id} has expired` });
    const stillPending = await createDelivery(ctx, {
      selectionId: (await approvedSelection('C02')).id,
      expiresAt: T0,
    });
    await expect(markDeliveryExpired(ctx, SYSTEM_ACTOR, stillPending.id)).rejects.toMatchObject({
      code: 'conflict',
    });
    // A pending delivery is never listed for expiry: it has no file yet.
    expect((await listExpiredDeliveries(ctx, now)).map((d) => d.id)).not.toContain(stillPending.id);
    now = T0;
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true });
  });

  it('shows a member only its own usage: client sector, channel, purpose, when, how many', async () => {
    const selection = await approvedSelection('C02', { ...REQUEST, channel: 'postal' });
    const pending = await createDelivery(ctx, {
      selectionId: selection.id,
      expiresAt: new Date(T0.getTime() + 30 * DAY_MS),
    });
    now = new Date(T0.getTime() + DAY_MS);
    await completeDelivery(
      ctx,
      SYSTEM_ACTOR,
      completion(pending.id, {
        seeds: [seed()],
        memberUsage: [{ memberCode: 'M02', personCount: 7 }],
      }),
    );
    now = T0;
    const m02 = await getMemberUsage(ctx, 'M02');
    expect(m02[0]).toEqual({
      clientSector: 'banque_assurance',
      channel: 'postal',
      purpose: 'targeting',
      deliveredAt: new Date(T0.getTime() + DAY_MS),
      personCount: 7,
      instructionVersion: 1,
      deliveryId: pending.id,
    });
    const m01 = await getMemberUsage(ctx, 'M01');
    expect(m01.map((usage) => usage.deliveryId)).not.toContain(pending.id);
    expect(m01.every((usage) => usage.personCount === 70)).toBe(true);
    expect(m02.filter((usage) => usage.personCount === 70)).toEqual([]);
    // Nothing that names the client or other members.
    expect(Object.keys(m02[0] ?? {}).sort()).toEqual([
      'channel',
      'clientSector',
      'deliveredAt',
      'deliveryId',
      'instructionVersion',
      'personCount',
      'purpose',
    ]);
    await expect(getMemberUsage(ctx, 'C01')).rejects.toMatchObject({ code: 'not_found' });
    await expect(getMemberUsage(ctx, 'M77')).rejects.toMatchObject({ code: 'not_found' });
  });
});
