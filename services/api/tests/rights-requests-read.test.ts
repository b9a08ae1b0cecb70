import { testControlDbKinds } from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-test-env.ts';
import { removeSampleSftpRoots, sampleRightsRequest } from './rights-samples.ts';

describe.each(testControlDbKinds())('reading rights requests (%s)', (kind) => {
  let api: TestApi;
  let requestId: string;

  beforeAll(async () => {
    api = await startTestApi(kind);
    // Forwarded to M01, which holds one record of the person: one customer ID.
    requestId = await sampleRightsRequest(api, 'M01');
  });
  afterAll(async () => {
    await api?.close();
    removeSampleSftpRoots();
  });

  /** Reads `path` as `token` and returns the event the read appended. */
  const readAndAudit = async (path: string, token: string) => {
    const response = await api.call('GET', path, { token });
    expect(response.status, response.text.slice(0, 200)).toBe(200);
    expect(response.text).toContain('"customerIds"');
    const [event] = await api.latestEvents(1);
    return event;
  };

  // The data subject's customer IDs leave the platform with each answer: each read is recorded.
  it('records every read of customer IDs, counts only', async () => {
    expect(
      await readAndAudit(`/v1/rights-requests/${requestId}`, api.tokens.compliance),
    ).toMatchObject({
      action: 'rights_request.read',
      actor: `principal:${api.principals.compliance.id}`,
      objectType: 'rights_request',
      objectId: requestId,
      details: { via: 'show', requests: 1, customerCount: 1 },
    });
    expect(await readAndAudit('/v1/rights-requests', api.tokens.operator)).toMatchObject({
      action: 'rights_request.read',
      objectId: null,
      details: { via: 'list', requests: 1, customerCount: 1 },
    });
    const inbox = await readAndAudit('/v1/members/M01/rights-requests', api.tokens.m01Admin);
    expect(inbox).toMatchObject({
      action: 'rights_request.read',
      organisationCode: 'M01',
      details: { via: 'member_inbox', requests: 1, customerCount: 1 },
    });
    expect(JSON.stringify(inbox?.details)).not.toMatch(/RR9/);
  });
});
