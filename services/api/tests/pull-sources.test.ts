import type { TActor } from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-test-env.ts';

const FINGERPRINT = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';
const SOURCE = {
  host: 'mft.example.invalid',
  port: 2022,
  username: 'alliage',
  remoteDir: '/outbound',
  hostKeySha256: FINGERPRINT,
};

describe.each(testControlDbKinds())('pull sources over HTTP (%s)', (kind) => {
  let api: TestApi;
  const pulls: { actor: TActor; memberCode: string }[] = [];

  beforeAll(async () => {
    api = await startTestApi(kind, {
      pullMemberFiles: async (actor, memberCode) => {
        pulls.push({ actor, memberCode });
        return { fetched: 2, skipped: 1, ignored: 3, fileDropIds: ['a', 'b'] };
      },
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('sets a source, shows it to the member admin, and audits the change', async () => {
    const missing = await api.call('GET', '/v1/members/M01/pull-source', {
      token: api.tokens.operator,
    });
    expect(missing.status).toBe(404);
    const saved = await api.call('PUT', '/v1/members/M01/pull-source', {
      token: api.tokens.operator,
      body: SOURCE,
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json).toMatchObject({
      ...SOURCE,
      organisationCode: 'M01',
      intervalMinutes: null,
      enabled: true,
    });
    expect(saved.json).not.toHaveProperty('organisationId');
    expect((await api.latestEvents(1))[0]).toMatchObject({
      action: 'pull_source.changed',
      organisationCode: 'M01',
    });
    const shown = await api.call('GET', '/v1/members/M01/pull-source', {
      token: api.tokens.m01Admin,
    });
    expect(shown.json).toEqual(saved.json);
    // Connection details (host, login, directory) are for the member's admin, not every user.
    const asUser = await api.call('GET', '/v1/members/M01/pull-source', {
      token: api.tokens.m01User,
    });
    expect(asUser.status).toBe(403);
  });

  it('refuses a fingerprint that is not SHA256:…, naming the field', async () => {
    const response = await api.call('PUT', '/v1/members/M01/pull-source', {
      token: api.tokens.operator,
      body: { ...SOURCE, hostKeySha256: 'aa:bb:cc' },
    });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ errors: [{ path: 'body.hostKeySha256' }] });
  });

  it('runs a pull as the calling operator and answers the counts', async () => {
    const response = await api.call('POST', '/v1/members/M01/pull', {
      token: api.tokens.operator,
    });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ fetched: 2, skipped: 1, ignored: 3, fileDropIds: ['a', 'b'] });
    expect(pulls.at(-1)).toMatchObject({
      memberCode: 'M01',
      actor: { ref: `principal:${api.principals.operator.id}` },
    });
  });

  it('serves the SSH client public key members authorise', async () => {
    const text = await api.call('GET', '/v1/platform/ssh-key');
    expect(text.text).toMatch(/^ssh-ed25519 [A-Za-z0-9+/]+=*\n$/);
    const json = await api.call('GET', '/v1/platform/ssh-key?format=json');
    expect(json.json).toMatchObject({ fingerprint: expect.stringMatching(/^SHA256:/) });
    expect(text.headers.get('x-alliage-fingerprint')).toBe(
      (json.json as { fingerprint: string }).fingerprint,
    );
  });
});
