import { createApiToken, revokeApiToken, SYSTEM_ACTOR, updateOrganisation } from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-test-env.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

describe.each(testControlDbKinds())('bearer-token authentication (%s)', (kind) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(kind);
  });
  afterAll(async () => {
    await api?.close();
  });

  /** Calls /v1/me with these headers; checks the 401 and the auth.failed event it leaves. */
  async function expectRefused(headers: Record<string, string>, reason: string) {
    const response = await api.call('GET', '/v1/me', { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
    const [event] = await api.latestEvents(1);
    expect(event).toMatchObject({
      action: 'auth.failed',
      actor: 'anonymous',
      details: { reason, method: 'GET', route: '/v1/me' },
    });
    const { requestId: _requestId, ...problem } = response.json as Record<string, unknown>;
    return { problem, event };
  }

  it('tells who the token belongs to', async () => {
    const response = await api.call('GET', '/v1/me', { token: api.tokens.m01Admin });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      id: api.principals.m01Admin.id,
      name: 'test m01Admin',
      role: 'member_admin',
      organisationCode: 'M01',
    });
  });

  it('answers every refusal the same way and audits the reason, never the token', async () => {
    const { apiToken: expiring, token: expiringToken } = await createApiToken(
      api.ctx,
      SYSTEM_ACTOR,
      {
        principalId: api.principals.m01User.id,
        expiresInDays: 1,
      },
    );
    const { apiToken: revoked, token: revokedToken } = await createApiToken(api.ctx, SYSTEM_ACTOR, {
      principalId: api.principals.m01User.id,
    });
    await revokeApiToken(api.ctx, SYSTEM_ACTOR, revoked.id);
    const unknownToken = `${api.tokens.m01User.slice(0, -4)}zzzz`;

    const missing = await expectRefused({}, 'missing');
    const malformed = await expectRefused({ authorization: 'Basic dXNlcjpwYXNz' }, 'malformed');
    const unknown = await expectRefused({ authorization: `Bearer ${unknownToken}` }, 'unknown');
    const revokedResult = await expectRefused(
      { authorization: `Bearer ${revokedToken}` },
      'revoked',
    );

    // The token works until the (injected) clock passes its expiry.
    expect((await api.call('GET', '/v1/me', { token: expiringToken })).status).toBe(200);
    api.setClockOffset(2 * DAY_MS);
    try {
      const expired = await expectRefused({ authorization: `Bearer ${expiringToken}` }, 'expired');
      for (const other of [malformed, unknown, revokedResult, expired]) {
        expect(other.problem).toEqual(missing.problem);
      }
      expect(missing.problem).toMatchObject({ status: 401, code: 'unauthenticated' });
      for (const result of [unknown, revokedResult, expired]) {
        const eventText = JSON.stringify(result.event);
        for (const secret of [unknownToken, revokedToken, expiringToken]) {
          expect(eventText).not.toContain(secret);
          expect(eventText).not.toContain(secret.slice(4, 20));
        }
      }
    } finally {
      api.setClockOffset(0);
    }
    expect(expiring.expiresAt).not.toBeNull();
  });

  it('shuts out the principals of a suspended organisation', async () => {
    await updateOrganisation(api.ctx, SYSTEM_ACTOR, 'M02', { status: 'suspended' });
    try {
      await expectRefused({ authorization: `Bearer ${api.tokens.m02User}` }, 'disabled');
    } finally {
      await updateOrganisation(api.ctx, SYSTEM_ACTOR, 'M02', { status: 'active' });
    }
    expect((await api.call('GET', '/v1/me', { token: api.tokens.m02User })).status).toBe(200);
  });

  it('stops a token revoked through the API at once', async () => {
    const created = await api.call('POST', '/v1/tokens', {
      token: api.tokens.operator,
      body: { organisationCode: 'C01', role: 'client_marketer', name: 'campaign robot' },
    });
    expect(created.status).toBe(201);
    const { token, apiToken, principal } = created.json as {
      token: string;
      apiToken: { id: string };
      principal: { id: string; organisationCode: string; role: string; name: string };
    };
    expect(token).toMatch(/^alg_/);
    expect(principal).toMatchObject({
      organisationCode: 'C01',
      role: 'client_marketer',
      name: 'campaign robot',
    });
    expect((await api.call('GET', '/v1/me', { token })).json).toMatchObject({ id: principal.id });

    const revoked = await api.call('POST', `/v1/tokens/${apiToken.id}/revoke`, {
      token: api.tokens.operator,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ id: apiToken.id, revokedAt: expect.any(String) });
    await expectRefused({ authorization: `Bearer ${token}` }, 'revoked');
  });

  it('accepts the CLI’s token-create body with explicit nulls (staff principal, no expiry)', async () => {
    const created = await api.call('POST', '/v1/tokens', {
      token: api.tokens.operator,
      body: { organisationCode: null, role: 'compliance', name: null, expiresInDays: null },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      principal: { role: 'compliance', organisationCode: null, name: 'compliance staff' },
      apiToken: { expiresAt: null, name: null },
    });
  });

  it('needs a token on every non-public route, not on health, key and OpenAPI', async () => {
    for (const path of ['/healthz', '/v1/platform/pgp-key', '/v1/openapi.json']) {
      expect((await api.call('GET', path)).status).toBe(200);
    }
    expect((await api.call('GET', '/v1/audit')).status).toBe(401);
  });
});
