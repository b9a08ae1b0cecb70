import {
  createApiToken,
  createOrganisation,
  createPrincipal,
  SYSTEM_ACTOR,
} from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-test-env.ts';

describe.each(testControlDbKinds())('an organisation both member and client (%s)', (kind) => {
  let api: TestApi;
  let adminToken: string;

  beforeAll(async () => {
    api = await startTestApi(kind);
    await createOrganisation(api.ctx, SYSTEM_ACTOR, {
      code: 'B01',
      name: 'Both Test',
      kind: 'both',
      sector: 'automobile',
    });
    const admin = await createPrincipal(api.ctx, SYSTEM_ACTOR, {
      name: 'test b01 admin',
      role: 'member_admin',
      organisationCode: 'B01',
    });
    adminToken = (await createApiToken(api.ctx, SYSTEM_ACTOR, { principalId: admin.id })).token;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('reads its member audit, usage and rights inbox like any member', async () => {
    for (const path of ['audit', 'usage', 'rights-requests']) {
      for (const token of [adminToken, api.tokens.operator, api.tokens.compliance]) {
        const response = await api.call('GET', `/v1/members/B01/${path}`, { token });
        expect(response.status, `${path}: ${response.text.slice(0, 200)}`).toBe(200);
      }
    }
    const reads = (await api.latestEvents(50)).filter((event) => event.action === 'audit.read');
    expect(reads.map((event) => event.organisationCode)).toEqual(['B01', 'B01', 'B01']);
  });
});
