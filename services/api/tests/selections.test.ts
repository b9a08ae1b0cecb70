import {
  completeDelivery,
  createApiToken,
  createDelivery,
  createOrganisation,
  createPrincipal,
  failDelivery,
  recordDeliveryPush,
  SYSTEM_ACTOR,
} from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_DELIVERY_FIELDS, CLIENT_SELECTION_FIELDS } from '../src/client-views.ts';
import { startTestApi, type TestApi } from './api-test-env.ts';
import { expectObservedAnswersDeclared } from './declared-statuses.ts';
import { clientDelivery, clientSelection } from './selection-samples.ts';

const REQUEST = {
  name: 'Isolation test',
  channel: 'postal',
  purpose: 'targeting',
  campaignStart: '2026-01-01',
  campaignEnd: '2099-12-31',
  criteria: { geography: { departements: ['69'] } },
};

describe.each(testControlDbKinds())('selections over HTTP (%s)', (kind) => {
  let api: TestApi;
  /** A marketer of a second client, C02. */
  let otherClientToken: string;

  beforeAll(async () => {
    api = await startTestApi(kind);
    await createOrganisation(api.ctx, SYSTEM_ACTOR, {
      code: 'C02',
      name: 'Other Client',
      kind: 'client',
      sector: 'banque_assurance',
    });
    const principal = await createPrincipal(api.ctx, SYSTEM_ACTOR, {
      name: 'other marketer',
      role: 'client_marketer',
      organisationCode: 'C02',
    });
    otherClientToken = (await createApiToken(api.ctx, SYSTEM_ACTOR, { principalId: principal.id }))
      .token;
  });
  afterAll(async () => {
    await api?.close();
  });

  const asClient = (method: string, path: string, body?: unknown) =>
    api.call(method, path, { token: api.tokens.c01Marketer, ...(body ? { body } : {}) });
  const asOtherClient = (method: string, path: string, body?: unknown) =>
    api.call(method, path, { token: otherClientToken, ...(body ? { body } : {}) });

  it('runs create, count, order, approve, and keeps every step to its client', async () => {
    const created = await asClient('POST', '/v1/selections', REQUEST);
    expect(created.status, created.text).toBe(201);
    const id = (created.json as { id: string }).id;

    const counted = await asClient('POST', `/v1/selections/${id}/count`);
    expect(counted.status, counted.text).toBe(200);
    // An empty pool: below the threshold, never an exact small number.
    expect(counted.json).toMatchObject({ total: '<20', blurred: false, channel: 'postal' });
    expect((await api.latestEvents(1))[0]).toMatchObject({
      action: 'selection.counted',
      details: expect.objectContaining({ selectionId: id }),
    });

    // The other client cannot see, count or order it, and cannot tell it exists.
    for (const [method, path, body] of [
      ['GET', `/v1/selections/${id}`, undefined],
      ['POST', `/v1/selections/${id}/count`, undefined],
      ['POST', `/v1/selections/${id}/order`, { quantity: 20 }],
    ] as const) {
      const response = await asOtherClient(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const missing = await asOtherClient(
      'GET',
      '/v1/selections/00000000-0000-4000-8000-000000000000',
    );
    expect(missing.status).toBe(404);
    expect(((await asOtherClient('GET', '/v1/selections')).json as unknown[]).length).toBe(0);

    const tooFew = await asClient('POST', `/v1/selections/${id}/order`, { quantity: 5 });
    expect(tooFew.status).toBe(400);
    const ordered = await asClient('POST', `/v1/selections/${id}/order`, { quantity: 20 });
    expect(ordered.status, ordered.text).toBe(200);
    expect(ordered.json).toMatchObject({ status: 'ordered', orderedQuantity: 20 });

    // Clients never approve; the operator does, with a reason, and the delivery is queued.
    expect((await asClient('POST', `/v1/selections/${id}/approve`, { reason: 'me' })).status).toBe(
      403,
    );
    const noReason = await api.call('POST', `/v1/selections/${id}/approve`, {
      token: api.tokens.operator,
      body: {},
    });
    expect(noReason.status).toBe(400);
    const approved = await api.call('POST', `/v1/selections/${id}/approve`, {
      token: api.tokens.operator,
      body: { reason: 'brief checked' },
    });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ status: 'approved' });
    expect(api.queuedDeliveries).toContain(id);
    const twice = await api.call('POST', `/v1/selections/${id}/reject`, {
      token: api.tokens.operator,
      body: { reason: 'too late' },
    });
    expect(twice.status).toBe(409);

    // Its delivery is the client's alone.
    const delivery = await createDelivery(api.ctx, {
      selectionId: id,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    await completeDelivery(api.ctx, SYSTEM_ACTOR, {
      deliveryId: delivery.id,
      fileName: 'alliage-isolation.csv.gpg',
      sizeBytes: 10,
      sha256: 'a'.repeat(64),
      rowCount: 23,
      recipientKeyFingerprint: 'B'.repeat(40),
      signerFingerprint: 'C'.repeat(40),
      seeds: [],
      memberUsage: [],
    });
    expect((await asClient('GET', `/v1/deliveries/${delivery.id}`)).status).toBe(200);
    expect((await asOtherClient('GET', `/v1/deliveries/${delivery.id}`)).status).toBe(404);
    expect(((await asOtherClient('GET', '/v1/deliveries')).json as unknown[]).length).toBe(0);
    expect(((await asClient('GET', '/v1/deliveries')).json as unknown[]).length).toBe(1);
  });

  it('names the criterion at fault', async () => {
    const response = await asClient('POST', '/v1/selections', {
      ...REQUEST,
      criteria: { geography: { departements: ['20'] } },
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.json)).toContain('criteria.geography.departements.0');
  });

  it('shows a client neither the seed count nor internal error texts of its deliveries', async () => {
    const written = await clientDelivery(api);
    await recordDeliveryPush(api.ctx, SYSTEM_ACTOR, {
      deliveryId: written.id,
      outcome: 'failed',
      errorCode: 'unavailable',
      errorMessage: 'pushing a delivery of C01 to sftp.internal.invalid failed: ECONNREFUSED',
    });
    const approved = await clientSelection(api, 'ordered');
    await api.call('POST', `/v1/selections/${approved.id}/approve`, {
      token: api.tokens.operator,
      body: { reason: 'checked' },
    });
    const pending = await createDelivery(api.ctx, {
      selectionId: approved.id,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    await failDelivery(api.ctx, SYSTEM_ACTOR, {
      deliveryId: pending.id,
      errorCode: 'validation_failed',
      errorMessage: 'client PGP key BBBB has expired',
    });
    const internalOnly = ['seedCount', 'errorMessage', 'pushErrorMessage'];
    for (const id of [written.id, pending.id]) {
      const asStaff = await api.call('GET', `/v1/deliveries/${id}`, {
        token: api.tokens.compliance,
      });
      expect(Object.keys(asStaff.json as object)).toEqual(expect.arrayContaining(internalOnly));
      const asClient = await api.call('GET', `/v1/deliveries/${id}`, {
        token: api.tokens.c01Marketer,
      });
      expect(asClient.status).toBe(200);
      for (const field of internalOnly) expect(asClient.json).not.toHaveProperty(field);
    }
    const listed = await api.call('GET', '/v1/deliveries', { token: api.tokens.c01Marketer });
    const views = listed.json as Record<string, unknown>[];
    expect(views.find((view) => view.id === written.id)).toMatchObject({
      pushStatus: 'failed',
      pushErrorCode: 'unavailable',
    });
    expect(views.find((view) => view.id === pending.id)).toMatchObject({
      status: 'failed',
      errorCode: 'validation_failed',
    });
    expect(listed.text).not.toContain('seedCount');
    expect(listed.text).not.toContain('ECONNREFUSED');
    expect(listed.text).not.toContain('has expired');
  });

  it('declares in the OpenAPI document every status it answered', async () => {
    await expectObservedAnswersDeclared(api);
  });
});

/** Internal fields a client must never read: staff and principal references, internal ids. */
const STAFF_ONLY_SELECTION_FIELDS = [
  'clientOrgId',
  'createdByRef',
  'createdByPrincipal',
  'orderedByRef',
  'decidedByRef',
];
const STAFF_ONLY_DELIVERY_FIELDS = ['clientOrgId', 'seedCount', 'errorMessage', 'pushErrorMessage'];

describe.each(testControlDbKinds())('client views of selections and deliveries (%s)', (kind) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(kind);
  });
  afterAll(async () => {
    await api?.close();
  });

  const asClient = (method: string, path: string, body?: unknown) =>
    api.call(method, path, { token: api.tokens.c01Marketer, ...(body ? { body } : {}) });
  const keysOf = (value: unknown) => Object.keys(value as object).sort();

  it('never names the staff who decided, nor internal ids, to the client; staff still see them', async () => {
    const created = await asClient('POST', '/v1/selections', REQUEST);
    expect(created.status, created.text).toBe(201);
    const id = (created.json as { id: string }).id;
    expect((await asClient('POST', `/v1/selections/${id}/count`)).status).toBe(200);
    // The empty test pool counts "<20": a selection with a count an order accepts.
    const ordered = await clientSelection(api, 'ordered');
    const rejected = await api.call('POST', `/v1/selections/${ordered.id}/reject`, {
      token: api.tokens.operator,
      body: { reason: 'the brief names no campaign' },
    });
    expect(rejected.status, rejected.text).toBe(200);
    const organisation = await api.call('GET', '/v1/organisations/C01', {
      token: api.tokens.operator,
    });
    const clientOrgId = (organisation.json as { id: string }).id;
    const operatorId = api.principals.operator.id;
    const marketerId = api.principals.c01Marketer.id;

    const asStaff = await api.call('GET', `/v1/selections/${ordered.id}`, {
      token: api.tokens.compliance,
    });
    expect(asStaff.json).toMatchObject({
      clientOrgId,
      createdByPrincipal: marketerId,
      orderedByRef: `principal:${marketerId}`,
      decidedByRef: `principal:${operatorId}`,
    });

    const answers = [
      created,
      await asClient('GET', `/v1/selections/${ordered.id}`),
      await asClient('GET', '/v1/selections'),
      // Ordered again after the rejection: the answer is the client's too.
      await asClient('POST', `/v1/selections/${ordered.id}/order`, { quantity: 20 }),
    ];
    for (const answer of answers) {
      expect(answer.status, answer.text).toBe(200 + (answer === created ? 1 : 0));
      const views = Array.isArray(answer.json) ? answer.json : [answer.json];
      expect(views.length).toBeGreaterThan(0);
      for (const view of views) {
        expect(keysOf(view)).toEqual([...CLIENT_SELECTION_FIELDS].sort());
        for (const field of STAFF_ONLY_SELECTION_FIELDS) expect(view).not.toHaveProperty(field);
      }
      expect(answer.text).not.toContain(operatorId);
      expect(answer.text).not.toContain(marketerId);
      expect(answer.text).not.toContain(clientOrgId);
    }
    expect(answers[1]?.json).toMatchObject({
      status: 'rejected',
      decisionReason: 'the brief names no campaign',
    });
  });

  it('shows a client its deliveries without internal ids', async () => {
    const written = await clientDelivery(api);
    const organisation = await api.call('GET', '/v1/organisations/C01', {
      token: api.tokens.operator,
    });
    const clientOrgId = (organisation.json as { id: string }).id;
    const one = await asClient('GET', `/v1/deliveries/${written.id}`);
    const all = await asClient('GET', '/v1/deliveries');
    for (const answer of [one, all]) {
      expect(answer.status, answer.text).toBe(200);
      const views = Array.isArray(answer.json) ? answer.json : [answer.json];
      for (const view of views) {
        expect(keysOf(view)).toEqual([...CLIENT_DELIVERY_FIELDS].sort());
        for (const field of STAFF_ONLY_DELIVERY_FIELDS) expect(view).not.toHaveProperty(field);
      }
      expect(answer.text).not.toContain(clientOrgId);
    }
    const asStaff = await api.call('GET', `/v1/deliveries/${written.id}`, {
      token: api.tokens.operator,
    });
    expect(asStaff.json).toMatchObject({ clientOrgId, seedCount: 1 });
  });

  it('answers a count with the audience figures only', async () => {
    const created = await asClient('POST', '/v1/selections', REQUEST);
    const id = (created.json as { id: string }).id;
    const counted = await asClient('POST', `/v1/selections/${id}/count`);
    expect(counted.status, counted.text).toBe(200);
    expect(keysOf(counted.json)).toEqual(
      [
        'selectionId',
        'countedAt',
        'channel',
        'total',
        'blurred',
        'byChannel',
        'byDepartement',
      ].sort(),
    );
  });

  it('declares in the OpenAPI document every status it answered', async () => {
    await expectObservedAnswersDeclared(api);
  });
});
