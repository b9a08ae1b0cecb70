import { discloseCount, type TSelectionRequestInput } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from './audit-verify-chain.ts';
import { type ControlContext, cliActor, type TActor } from './control-context.ts';
import { createOrganisation } from './create-organisation.ts';
import { createPrincipal } from './create-principal.ts';
import { createSelection } from './create-selection.ts';
import { decideSelection } from './decide-selection.ts';
import { getSelection } from './get-selection.ts';
import { listRecentCounts } from './list-recent-counts.ts';
import { listSelections } from './list-selections.ts';
import { orderSelection } from './order-selection.ts';
import { recordSelectionCount } from './record-selection-count.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';
import { updateOrganisation } from './update-organisation.ts';

const admin = cliActor('admin');
const operator = cliActor('operator');
const T0 = new Date('2027-02-01T10:00:00.000Z');

const REQUEST: TSelectionRequestInput = {
  name: 'Spring mailing',
  channel: 'postal',
  purpose: 'targeting',
  campaignStart: '2027-03-01',
  campaignEnd: '2027-03-31',
  criteria: { geography: { departements: ['69'] }, age: { min: 35, max: 64 } },
};

describe.each(testControlDbKinds())('selections on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let now = T0;
  let marketerA: TActor;
  let marketerB: TActor;
  let clientA: string;
  let clientB: string;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => now };
    const a = await createOrganisation(ctx, admin, {
      code: 'C01',
      name: 'Client A',
      kind: 'client',
      sector: 'energie',
    });
    const b = await createOrganisation(ctx, admin, {
      code: 'C02',
      name: 'Client B',
      kind: 'both',
      sector: 'automobile',
    });
    await createOrganisation(ctx, admin, {
      code: 'M01',
      name: 'Member',
      kind: 'member',
      sector: 'automobile',
    });
    await createOrganisation(ctx, admin, {
      code: 'C09',
      name: 'Suspended client',
      kind: 'client',
      sector: 'energie',
      status: 'suspended',
    });
    clientA = a.id;
    clientB = b.id;
    const principalA = await createPrincipal(ctx, admin, {
      name: 'Marketer A',
      role: 'client_marketer',
      organisationCode: 'C01',
    });
    marketerA = {
      ref: `principal:${principalA.id}`,
      principalId: principalA.id,
      role: 'client_marketer',
      organisationId: clientA,
      organisationCode: 'C01',
    };
    marketerB = {
      ref: 'principal:00000000-0000-4000-8000-00000000000b',
      principalId: null,
      role: 'client_marketer',
      organisationId: clientB,
      organisationCode: 'C02',
    };
  });
  afterAll(async () => {
    await control?.close();
  });

  const eventsOf = async (objectId: string) =>
    control.db
      .selectFrom('audit_events')
      .selectAll()
      .where('object_id', '=', objectId)
      .orderBy('seq')
      .execute();

  const countOnce = async (selectionId: string, exact: number) =>
    recordSelectionCount(ctx, marketerA, {
      selectionId,
      exactTotal: exact,
      shown: { total: exact },
      blurred: false,
    });

  it('creates a draft selection and audits it without criteria values', async () => {
    const selection = await createSelection(ctx, marketerA, {
      clientOrgCode: 'C01',
      request: REQUEST,
    });
    expect(selection).toMatchObject({
      clientOrgId: clientA,
      clientOrgCode: 'C01',
      name: 'Spring mailing',
      channel: 'postal',
      purpose: 'targeting',
      campaignStart: '2027-03-01',
      campaignEnd: '2027-03-31',
      status: 'draft',
      createdByRef: marketerA.ref,
      createdByPrincipal: marketerA.principalId,
      orderedQuantity: null,
      decidedByRef: null,
    });
    expect(selection.criteria).toMatchObject({
      geography: { departements: ['69'] },
      onePerHousehold: false,
    });
    expect(selection.createdAt.toISOString()).toBe(T0.toISOString());
    const [event] = await eventsOf(selection.id);
    expect(event).toMatchObject({
      action: 'selection.created',
      actor: marketerA.ref,
      organisation_code: 'C01',
      details: { channel: 'postal', purpose: 'targeting' },
    });
    expect(event?.details.criteria).toContain('geography');
    expect(JSON.stringify(event?.details)).not.toContain('"69"');
    expect(await getSelection(ctx, selection.id)).toEqual(selection);
  });

  it('refuses an invalid request, an unknown or member-only client, a suspended client', async () => {
    await expect(
      createSelection(ctx, marketerA, {
        clientOrgCode: 'C01',
        request: { ...REQUEST, campaignEnd: '2027-02-01' },
      }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      fields: [{ path: 'request.campaignEnd' }],
    });
    await expect(
      createSelection(ctx, marketerA, { clientOrgCode: 'C77', request: REQUEST }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      createSelection(ctx, marketerA, { clientOrgCode: 'M01', request: REQUEST }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      createSelection(ctx, marketerA, { clientOrgCode: 'C09', request: REQUEST }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it("answers another client's selection, and a malformed id, exactly like a missing one", async () => {
    const mine = await createSelection(ctx, marketerA, { clientOrgCode: 'C01', request: REQUEST });
    const theirs = await createSelection(ctx, marketerB, {
      clientOrgCode: 'C02',
      request: { ...REQUEST, name: 'B mailing' },
    });
    await expect(getSelection(ctx, theirs.id, { clientOrgId: clientA })).rejects.toMatchObject({
      code: 'not_found',
      message: `selection ${theirs.id} not found`,
    });
    await expect(
      getSelection(ctx, '3f1c1b7e-0000-4000-8000-000000000000', { clientOrgId: clientA }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(getSelection(ctx, 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found' });
    expect((await getSelection(ctx, mine.id, { clientOrgId: clientA })).id).toBe(mine.id);
    // B cannot count, order (nor see) A's selection.
    await expect(
      recordSelectionCount(ctx, marketerB, {
        selectionId: mine.id,
        clientOrgId: clientB,
        exactTotal: 100,
        shown: { total: 100 },
        blurred: false,
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      orderSelection(ctx, marketerB, {
        selectionId: mine.id,
        clientOrgId: clientB,
        quantity: 50,
        minimum: 20,
      }),
    ).rejects.toMatchObject({ code: 'not_found' });

    const listA = await listSelections(ctx, { clientOrgId: clientA });
    expect(listA.every((selection) => selection.clientOrgId === clientA)).toBe(true);
    expect(listA.map((selection) => selection.id)).toContain(mine.id);
    expect(listA.map((selection) => selection.id)).not.toContain(theirs.id);
    expect((await listSelections(ctx)).map((selection) => selection.id)).toEqual(
      expect.arrayContaining([mine.id, theirs.id]),
    );
    expect(await listSelections(ctx, { clientOrgId: 'nope' })).toEqual([]);
  });

  it('lists newest first and filters by status', async () => {
    now = new Date(T0.getTime() + 60_000);
    const newest = await createSelection(ctx, marketerA, {
      clientOrgCode: 'C01',
      request: { ...REQUEST, name: 'Newest' },
    });
    now = T0;
    const listed = await listSelections(ctx, { clientOrgId: clientA });
    expect(listed[0]?.id).toBe(newest.id);
    const times = listed.map((selection) => selection.createdAt.getTime());
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    expect(await listSelections(ctx, { status: 'approved' })).toEqual([]);
  });

  it('records counts, feeds them back for anti-differencing, and never audits the exact total', async () => {
    const selection = await createSelection(ctx, marketerA, {
      clientOrgCode: 'C01',
      request: REQUEST,
    });
    const since = new Date(T0.getTime() - 1000);
    const first = discloseCount({ exact: 1234, threshold: 20, rounding: 10, recent: [] });
    await recordSelectionCount(ctx, marketerA, {
      selectionId: selection.id,
      exactTotal: 1234,
      shown: { total: first.shown, byChannel: { postal: first.shown } },
      blurred: first.blurred,
    });
    const recent = await listRecentCounts(ctx, { clientOrgId: clientA, since });
    expect(recent).toContainEqual({ exact: 1234, shown: 1230 });
    const second = discloseCount({ exact: 1237, threshold: 20, rounding: 10, recent });
    expect(second).toEqual({ shown: 1230, blurred: true });
    const { id } = await recordSelectionCount(ctx, marketerA, {
      selectionId: selection.id,
      exactTotal: 1237,
      shown: { total: second.shown, byChannel: null, byDepartement: null },
      blurred: second.blurred,
      instructionVersions: { M01: 2 },
    });
    const counted = (await eventsOf(selection.id)).filter(
      (event) => event.action === 'selection.counted',
    );
    expect(counted).toHaveLength(2);
    expect(counted[1]?.details).toEqual({
      selectionId: selection.id,
      countId: id,
      shown: 1230,
      blurred: true,
      instructionVersions: { M01: 2 },
    });
    for (const event of counted) {
      expect(JSON.stringify(event.details)).not.toMatch(/1234|1237/);
    }
    // Other clients' counts and older counts are not in the window.
    expect(await listRecentCounts(ctx, { clientOrgId: clientB, since })).toEqual([]);
    expect(
      await listRecentCounts(ctx, { clientOrgId: clientA, since: new Date(T0.getTime() + 1) }),
    ).toEqual([]);
    await expect(
      recordSelectionCount(ctx, marketerA, {
        selectionId: selection.id,
        exactTotal: 5,
        shown: { total: '<twenty' as never },
        blurred: false,
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('orders only a counted selection, at least the minimum', async () => {
    const selection = await createSelection(ctx, marketerA, {
      clientOrgCode: 'C01',
      request: REQUEST,
    });
    await expect(
      orderSelection(ctx, marketerA, { selectionId: selection.id, quantity: 100, minimum: 20 }),
    ).rejects.toMatchObject({ code: 'conflict', message: 'count the selection before ordering' });
    await countOnce(selection.id, 500);
    await expect(
      orderSelection(ctx, marketerA, { selectionId: selection.id, quantity: 19, minimum: 20 }),
    ).rejects.toMatchObject({ code: 'validation_failed', fields: [{ path: 'quantity' }] });
    const ordered = await orderSelection(ctx, marketerA, {
      selectionId: selection.id,
      clientOrgId: clientA,
      quantity: 20,
      minimum: 20,
    });
    expect(ordered).toMatchObject({
      status: 'ordered',
      orderedQuantity: 20,
      orderedByRef: marketerA.ref,
    });
    expect(ordered.orderedAt?.toISOString()).toBe(T0.toISOString());
    await expect(
      orderSelection(ctx, marketerA, { selectionId: selection.id, quantity: 30, minimum: 20 }),
    ).rejects.toMatchObject({ code: 'conflict' });
    const actions = (await eventsOf(selection.id)).map((event) => event.action);
    expect(actions).toEqual(['selection.created', 'selection.counted', 'selection.ordered']);
  });

  it('enforces four eyes: neither the creator nor the orderer may decide', async () => {
    const selection = await createSelection(ctx, marketerA, {
      clientOrgCode: 'C01',
      request: REQUEST,
    });
    await countOnce(selection.id, 500);
    const colleague = { ...marketerA, ref: 'principal:00000000-0000-4000-8000-0000000000aa' };
    await orderSelection(ctx, colleague, { selectionId: selection.id, quantity: 100, minimum: 20 });
    for (const requester of [marketerA, colleague]) {
      await expect(
        decideSelection(ctx, requester, {
          selectionId: selection.id,
          decision: 'approve',
          reason: 'fine',
        }),
      ).rejects.toMatchObject({
        code: 'forbidden',
        message: 'the requester cannot approve their own order',
      });
    }
    await expect(
      decideSelection(ctx, operator, {
        selectionId: selection.id,
        decision: 'approve',
        reason: ' ',
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    // The table refuses it too, whatever code path writes it.
    await expect(
      control.db
        .updateTable('selections')
        .set({
          status: 'approved',
          decided_by_ref: colleague.ref,
          decided_at: T0,
          decision_reason: 'x',
        })
        .where('id', '=', selection.id)
        .execute(),
    ).rejects.toThrow();
    const approved = await decideSelection(ctx, operator, {
      selectionId: selection.id,
      decision: 'approve',
      reason: 'purpose and channel match the instructions',
    });
    expect(approved).toMatchObject({
      status: 'approved',
      decidedByRef: operator.ref,
      decisionReason: 'purpose and channel match the instructions',
    });
    await expect(
      decideSelection(ctx, operator, {
        selectionId: selection.id,
        decision: 'reject',
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    const last = (await eventsOf(selection.id)).at(-1);
    expect(last).toMatchObject({
      action: 'selection.approved',
      actor: operator.ref,
      details: { reason: 'purpose and channel match the instructions', quantity: 100 },
    });
  });

  it('lets a rejected selection be ordered again, and decided afresh', async () => {
    const selection = await createSelection(ctx, marketerA, {
      clientOrgCode: 'C01',
      request: REQUEST,
    });
    await countOnce(selection.id, 500);
    await orderSelection(ctx, marketerA, { selectionId: selection.id, quantity: 400, minimum: 20 });
    const rejected = await decideSelection(ctx, operator, {
      selectionId: selection.id,
      decision: 'reject',
      reason: 'quantity too large for the campaign',
    });
    expect(rejected).toMatchObject({ status: 'rejected', decidedByRef: operator.ref });
    const reordered = await orderSelection(ctx, marketerA, {
      selectionId: selection.id,
      quantity: 200,
      minimum: 20,
    });
    expect(reordered).toMatchObject({
      status: 'ordered',
      orderedQuantity: 200,
      decidedByRef: null,
      decisionReason: null,
    });
    const approved = await decideSelection(ctx, cliActor('operator2'), {
      selectionId: selection.id,
      decision: 'approve',
      reason: 'ok now',
    });
    expect(approved.status).toBe('approved');
    const events = await eventsOf(selection.id);
    expect(events.map((event) => event.action)).toEqual([
      'selection.created',
      'selection.counted',
      'selection.ordered',
      'selection.rejected',
      'selection.ordered',
      'selection.approved',
    ]);
    expect(events[4]?.details).toEqual({ quantity: 200, reordered: true });
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  });

  it('approves nothing for a suspended client, and lets the order be rejected', async () => {
    const selection = await createSelection(ctx, marketerA, {
      clientOrgCode: 'C01',
      request: REQUEST,
    });
    await countOnce(selection.id, 500);
    await orderSelection(ctx, marketerA, { selectionId: selection.id, quantity: 100, minimum: 20 });
    await updateOrganisation(ctx, admin, 'C01', { status: 'suspended' });
    try {
      await expect(
        decideSelection(ctx, operator, {
          selectionId: selection.id,
          decision: 'approve',
          reason: 'ok',
        }),
      ).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('suspended') });
      expect((await getSelection(ctx, selection.id)).status).toBe('ordered');
      const rejected = await decideSelection(ctx, operator, {
        selectionId: selection.id,
        decision: 'reject',
        reason: 'client suspended after a seed hit',
      });
      expect(rejected.status).toBe('rejected');
    } finally {
      await updateOrganisation(ctx, admin, 'C01', { status: 'active' });
    }
  });
});
