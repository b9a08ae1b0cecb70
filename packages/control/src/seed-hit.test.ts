import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from './audit-verify-chain.ts';
import { completeDelivery } from './complete-delivery.ts';
import { type ControlContext, cliActor, SYSTEM_ACTOR, type TActor } from './control-context.ts';
import { createDelivery } from './create-delivery.ts';
import { createOrganisation } from './create-organisation.ts';
import { createSelection } from './create-selection.ts';
import { decideSelection } from './decide-selection.ts';
import type { TDelivery } from './delivery.ts';
import { listAlerts } from './list-alerts.ts';
import { listSeedContactsInUse } from './list-seed-contacts-in-use.ts';
import { orderSelection } from './order-selection.ts';
import { recordSeedHit } from './record-seed-hit.ts';
import { recordSelectionCount } from './record-selection-count.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

const admin = cliActor('admin');
const operator = cliActor('operator');
const monitor = cliActor('monitor');
const T0 = new Date('2027-05-01T10:00:00.000Z');

describe.each(testControlDbKinds())('seed hits on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let now = T0;
  let delivery: TDelivery;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => now };
    const client = await createOrganisation(ctx, admin, {
      code: 'C01',
      name: 'Client',
      kind: 'client',
      sector: 'energie',
    });
    await createOrganisation(ctx, admin, {
      code: 'M01',
      name: 'Member',
      kind: 'member',
      sector: 'automobile',
    });
    const marketer: TActor = {
      ref: 'principal:marketer',
      principalId: null,
      role: 'client_marketer',
      organisationId: client.id,
      organisationCode: 'C01',
    };
    // An sms campaign over March 2027.
    const selection = await createSelection(ctx, marketer, {
      clientOrgCode: 'C01',
      request: {
        name: 'SMS March',
        channel: 'sms',
        purpose: 'targeting',
        campaignStart: '2027-03-01',
        campaignEnd: '2027-03-31',
      },
    });
    await recordSelectionCount(ctx, marketer, {
      selectionId: selection.id,
      exactTotal: 90,
      shown: { total: 90 },
      blurred: false,
    });
    await orderSelection(ctx, marketer, { selectionId: selection.id, quantity: 50, minimum: 20 });
    await decideSelection(ctx, operator, {
      selectionId: selection.id,
      decision: 'approve',
      reason: 'ok',
    });
    const pending = await createDelivery(ctx, { selectionId: selection.id, expiresAt: T0 });
    const seedBase = {
      civility: 'M' as const,
      firstName: 'Paul',
      addressLines: ['', '', '3 PLACE BELLECOUR', '', '69002 LYON'],
      postcode: '69002',
    };
    delivery = await completeDelivery(ctx, SYSTEM_ACTOR, {
      deliveryId: pending.id,
      fileName: 'delivery-1.csv.gpg',
      sizeBytes: 10,
      sha256: 'd'.repeat(64),
      rowCount: 53,
      recipientKeyFingerprint: 'A'.repeat(40),
      signerFingerprint: 'B'.repeat(40),
      seeds: [
        {
          ...seedBase,
          rowId: 'S1',
          lastName: 'Sentinelle',
          email: 'paul.sentinelle@seeds.example',
          phone: '+33612345671',
        },
        { ...seedBase, rowId: 'S2', lastName: 'Veilleur', email: null, phone: '+33612345672' },
        { ...seedBase, rowId: 'S3', lastName: 'Gardien', email: null, phone: null },
        { ...seedBase, rowId: 'S4', lastName: 'Gardien', email: null, phone: null },
      ],
      memberUsage: [{ memberCode: 'M01', personCount: 50 }],
      instructionVersions: { M01: 1 },
    });
  });
  afterAll(async () => {
    await control?.close();
  });

  const eventsOf = async (action: string) =>
    control.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', action)
      .orderBy('seq')
      .execute();

  it('lists the seed contacts deliveries hold, for new seeds to be drawn outside them', async () => {
    expect([...(await listSeedContactsInUse(ctx, 'phone'))].sort()).toEqual([
      '+33612345671',
      '+33612345672',
    ]);
    expect([...(await listSeedContactsInUse(ctx, 'email'))]).toEqual([
      'paul.sentinelle@seeds.example',
    ]);
  });

  it('records a hit inside the window on the ordered channel without an alert', async () => {
    const { hit, alert } = await recordSeedHit(ctx, monitor, {
      contact: { kind: 'phone', value: '06 12 34 56 71' },
      channel: 'sms',
      contactedAt: new Date('2027-03-15T09:00:00Z'),
      note: 'campaign SMS received',
    });
    expect(alert).toBeNull();
    expect(hit).toMatchObject({
      deliveryId: delivery.id,
      channel: 'sms',
      inWindow: true,
      channelOrdered: true,
      reportedByRef: monitor.ref,
      note: 'campaign SMS received',
    });
    const [event] = await eventsOf('seed.hit');
    expect(event).toMatchObject({
      actor: monitor.ref,
      object_type: 'seed',
      object_id: hit.seedId,
      organisation_code: 'C01',
      details: { deliveryId: delivery.id, hitId: hit.id, inWindow: true, channelOrdered: true },
    });
    expect(JSON.stringify(event?.details)).not.toMatch(/06 12|\+336|SENTINELLE/i);
    expect(await eventsOf('alert.raised')).toEqual([]);
  });

  it('raises a critical alert naming the delivery and client for a hit after the campaign', async () => {
    now = new Date('2027-05-01T10:00:00Z');
    // 31 March 22:30 UTC is already 1 April in Paris: outside the window.
    const { hit, alert } = await recordSeedHit(ctx, monitor, {
      contact: { kind: 'phone', value: '+33612345672' },
      channel: 'sms',
      contactedAt: new Date('2027-03-31T22:30:00Z'),
    });
    expect(hit).toMatchObject({ inWindow: false, channelOrdered: true });
    expect(alert).toMatchObject({
      kind: 'seed_hit_out_of_window',
      severity: 'critical',
      deliveryId: delivery.id,
      clientOrgId: delivery.clientOrgId,
      details: {
        deliveryId: delivery.id,
        clientOrgCode: 'C01',
        selectionId: delivery.selectionId,
        channel: 'sms',
        inWindow: false,
      },
    });
    const raised = await eventsOf('alert.raised');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({
      object_type: 'alert',
      object_id: alert?.id,
      organisation_code: 'C01',
      details: {
        kind: 'seed_hit_out_of_window',
        deliveryId: delivery.id,
        clientOrgCode: 'C01',
      },
    });
    // The seed.hit event comes first, then the alert, in one transaction.
    const seedHits = await eventsOf('seed.hit');
    expect((seedHits.at(-1)?.seq ?? 0) + 1).toBe(raised[0]?.seq);

    // 22:30 UTC on 28 February is still 28 February in Paris (UTC+1): before the window.
    const early = await recordSeedHit(ctx, monitor, {
      contact: { kind: 'phone', value: '+33612345672' },
      channel: 'sms',
      contactedAt: new Date('2027-02-28T22:30:00Z'),
    });
    expect(early.alert?.kind).toBe('seed_hit_out_of_window');
    // 23:30 UTC on 28 February is 1 March in Paris: inside.
    const first = await recordSeedHit(ctx, monitor, {
      contact: { kind: 'phone', value: '+33612345672' },
      channel: 'sms',
      contactedAt: new Date('2027-02-28T23:30:00Z'),
    });
    expect(first.alert).toBeNull();
  });

  it('raises an alert for a channel the selection was not ordered for', async () => {
    const byEmail = await recordSeedHit(ctx, monitor, {
      contact: { kind: 'email', value: '  Paul.Sentinelle@SEEDS.example ' },
      channel: 'email',
      contactedAt: new Date('2027-03-10T08:00:00Z'),
    });
    expect(byEmail.hit).toMatchObject({ inWindow: true, channelOrdered: false });
    expect(byEmail.alert).toMatchObject({
      kind: 'seed_hit_wrong_channel',
      severity: 'critical',
      details: { channel: 'email', orderedChannel: 'sms', channelOrdered: false },
    });
    // A phone call on a number delivered for SMS is another channel too.
    const byCall = await recordSeedHit(ctx, monitor, {
      contact: { kind: 'phone', value: '+33 6 12 34 56 71' },
      channel: 'phone',
      contactedAt: new Date('2027-03-10T08:00:00Z'),
    });
    expect(byCall.alert?.kind).toBe('seed_hit_wrong_channel');
    // Both wrong: reported as out of window, both flags in the details.
    const both = await recordSeedHit(ctx, monitor, {
      contact: { kind: 'postal', value: 'sentinelle|69002' },
      channel: 'postal',
      contactedAt: new Date('2027-04-10T08:00:00Z'),
    });
    expect(both.alert).toMatchObject({
      kind: 'seed_hit_out_of_window',
      details: { inWindow: false, channelOrdered: false },
    });
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true });
  });

  it('refuses unknown, ambiguous, malformed or impossible reports and records nothing', async () => {
    const hitsBefore = (await eventsOf('seed.hit')).length;
    const alertsBefore = (await listAlerts(ctx)).length;
    const report = (patch: object) =>
      recordSeedHit(ctx, monitor, {
        contact: { kind: 'email', value: 'nobody@seeds.example' },
        channel: 'email',
        contactedAt: new Date('2027-03-10T08:00:00Z'),
        ...patch,
      });
    await expect(report({})).rejects.toMatchObject({
      code: 'not_found',
      message: 'no seed matches this contact',
    });
    await expect(
      report({ contact: { kind: 'postal', value: 'GARDIEN|69002' }, channel: 'postal' }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      report({ contact: { kind: 'postal', value: 'GARDIEN' }, channel: 'postal' }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(
      report({ contact: { kind: 'phone', value: '12' }, channel: 'sms' }),
    ).rejects.toMatchObject({ code: 'validation_failed', fields: [{ path: 'contact.value' }] });
    await expect(report({ channel: 'postal' })).rejects.toMatchObject({
      code: 'validation_failed',
      fields: [{ path: 'channel' }],
    });
    await expect(report({ contactedAt: new Date('2027-06-01T00:00:00Z') })).rejects.toMatchObject({
      code: 'validation_failed',
      fields: [{ path: 'contactedAt' }],
    });
    expect((await eventsOf('seed.hit')).length).toBe(hitsBefore);
    expect((await listAlerts(ctx)).length).toBe(alertsBefore);
  });

  it('lists alerts newest first, optionally since a time', async () => {
    now = new Date('2027-05-02T10:00:00Z');
    const { alert } = await recordSeedHit(ctx, monitor, {
      contact: { kind: 'phone', value: '+33612345671' },
      channel: 'sms',
      contactedAt: new Date('2027-05-01T10:00:00Z'),
    });
    const all = await listAlerts(ctx);
    expect(all[0]?.id).toBe(alert?.id);
    const times = all.map((entry) => entry.createdAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(await listAlerts(ctx, { since: new Date('2027-05-02T00:00:00Z') })).toEqual([
      expect.objectContaining({ id: alert?.id, acknowledgedAt: null }),
    ]);
    now = T0;
  });
});
