import { getDelivery } from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-test-env.ts';
import { expectObservedAnswersDeclared } from './declared-statuses.ts';
import { clientDelivery } from './selection-samples.ts';

const TARGET = {
  host: 'sftp.client.example.invalid',
  port: 2222,
  username: 'alliage',
  remoteDir: '/inbound/alliage',
  hostKeySha256: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
};

describe.each(testControlDbKinds())('client push targets over HTTP (%s)', (kind) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(kind);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('refuses to push a delivery while the client has no target', async () => {
    const delivery = await clientDelivery(api);
    expect(delivery.pushStatus).toBe('not_configured');
    const response = await api.call('POST', `/v1/deliveries/${delivery.id}/push`, {
      token: api.tokens.operator,
    });
    expect(response.status).toBe(409);
    expect(response.json).toMatchObject({
      detail: expect.stringContaining('no enabled push target'),
    });
    expect(api.queuedPushes).not.toContain(delivery.id);
  });

  it('sets a target, shows it to compliance, audits the change without the login', async () => {
    const missing = await api.call('GET', '/v1/clients/C01/push-target', {
      token: api.tokens.operator,
    });
    expect(missing.status).toBe(404);
    const saved = await api.call('PUT', '/v1/clients/C01/push-target', {
      token: api.tokens.operator,
      body: TARGET,
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json).toMatchObject({ ...TARGET, enabled: true });
    expect(saved.json).not.toHaveProperty('organisationId');
    const [event] = await api.latestEvents(1);
    expect(event).toMatchObject({ action: 'push_target.changed', organisationCode: 'C01' });
    expect(JSON.stringify(event?.details)).not.toContain(TARGET.username);
    const shown = await api.call('GET', '/v1/clients/C01/push-target', {
      token: api.tokens.compliance,
    });
    expect(shown.json).toEqual(saved.json);
  });

  it('refuses a target for a member, and a fingerprint that is not SHA256:…', async () => {
    const member = await api.call('PUT', '/v1/clients/M01/push-target', {
      token: api.tokens.operator,
      body: TARGET,
    });
    expect(member.status).toBeGreaterThanOrEqual(400);
    expect(member.status).toBeLessThan(500);
    const badKey = await api.call('PUT', '/v1/clients/C01/push-target', {
      token: api.tokens.operator,
      body: { ...TARGET, hostKeySha256: 'aa:bb:cc' },
    });
    expect(badKey.status).toBe(400);
    expect(badKey.json).toMatchObject({ errors: [{ path: 'body.hostKeySha256' }] });
    const traversal = await api.call('PUT', '/v1/clients/C01/push-target', {
      token: api.tokens.operator,
      body: { ...TARGET, remoteDir: '/inbound/\u0000x' },
    });
    expect(traversal.status).toBe(400);
  });

  it('queues the push of a written delivery once a target is set', async () => {
    const delivery = await clientDelivery(api);
    const response = await api.call('POST', `/v1/deliveries/${delivery.id}/push`, {
      token: api.tokens.operator,
    });
    expect(response.status, response.text).toBe(200);
    expect(response.json).toMatchObject({ id: delivery.id, pushStatus: 'pending' });
    expect(api.queuedPushes).toContain(delivery.id);
    expect((await getDelivery(api.ctx, delivery.id)).pushStatus).toBe('pending');
  });

  it('removes the target: deliveries stay in out/ only', async () => {
    const removed = await api.call('DELETE', '/v1/clients/C01/push-target', {
      token: api.tokens.operator,
    });
    expect(removed.status, removed.text).toBe(200);
    const gone = await api.call('GET', '/v1/clients/C01/push-target', {
      token: api.tokens.operator,
    });
    expect(gone.status).toBe(404);
    const delivery = await clientDelivery(api);
    const refused = await api.call('POST', `/v1/deliveries/${delivery.id}/push`, {
      token: api.tokens.operator,
    });
    expect(refused.status).toBe(409);
  });

  it('declares in the OpenAPI document every status it answered', async () => {
    await expectObservedAnswersDeclared(api);
  });
});
