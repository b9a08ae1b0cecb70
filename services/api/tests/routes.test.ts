import { testControlDbKinds } from '@alliage/control/testing';
import { generatePgpKeyPair } from '@alliage/crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listApiRoutes, toOpenApiPath } from '../src/index.ts';
import { SAMPLE_INSTRUCTION, startTestApi, type TestApi } from './api-test-env.ts';
import { expectObservedAnswersDeclared } from './declared-statuses.ts';

interface AuditEventJson {
  seq: number;
  action: string;
  actor: string;
  organisationCode: string | null;
  instructionVersion: number | null;
  details: Record<string, unknown>;
}

describe.each(testControlDbKinds())('API routes (%s)', (kind) => {
  let api: TestApi;
  let operator: string;
  let compliance: string;

  beforeAll(async () => {
    api = await startTestApi(kind);
    operator = api.tokens.operator;
    compliance = api.tokens.compliance;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('registers, reads, filters and changes organisations', async () => {
    const created = await api.call('POST', '/v1/organisations', {
      token: operator,
      body: {
        code: 'B01',
        name: 'Both Ways',
        kind: 'both',
        sector: 'presse_edition',
        contractStart: '2026-01-01',
      },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      code: 'B01',
      kind: 'both',
      status: 'active',
      contractEnd: null,
    });

    const clients = await api.call('GET', '/v1/organisations?kind=client', { token: compliance });
    expect((clients.json as { code: string }[]).map((org) => org.code)).toEqual(['C01']);

    const patched = await api.call('PATCH', '/v1/organisations/B01', {
      token: operator,
      body: { status: 'suspended' },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ code: 'B01', status: 'suspended' });
    const suspended = await api.call('GET', '/v1/organisations?status=suspended', {
      token: operator,
    });
    expect((suspended.json as { code: string }[]).map((org) => org.code)).toEqual(['B01']);

    const own = await api.call('GET', '/v1/organisations/C01', { token: api.tokens.c01Marketer });
    expect(own.json).toMatchObject({ code: 'C01', name: 'Client Test' });
    const missing = await api.call('PATCH', '/v1/organisations/Z99', {
      token: operator,
      body: { name: 'Nobody' },
    });
    expect(missing.status).toBe(404);
  });

  it('creates principals and lists them for the organisation’s admin', async () => {
    const created = await api.call('POST', '/v1/principals', {
      token: operator,
      body: { name: 'Second admin', role: 'member_admin', organisationCode: 'M01' },
    });
    expect(created.status).toBe(201);
    const wrongKind = await api.call('POST', '/v1/principals', {
      token: operator,
      body: { name: 'Marketer', role: 'client_marketer', organisationCode: 'M01' },
    });
    expect(wrongKind.status).toBe(400);

    const listed = await api.call('GET', '/v1/organisations/M01/principals', {
      token: api.tokens.m01Admin,
    });
    expect(listed.status).toBe(200);
    const names = (listed.json as { name: string; organisationCode: string }[]).map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['test m01Admin', 'test m01User', 'Second admin']),
    );
    expect(names).not.toContain('test m02Admin');
  });

  it('creates tokens for a principal and lists them without their values', async () => {
    const created = await api.call('POST', `/v1/principals/${api.principals.m02User.id}/tokens`, {
      token: operator,
      body: { name: 'laptop', expiresInDays: 7 },
    });
    expect(created.status).toBe(201);
    const { token, apiToken } = created.json as {
      token: string;
      apiToken: { id: string; expiresAt: string };
    };
    expect(apiToken.expiresAt).not.toBeNull();
    expect((await api.call('GET', '/v1/me', { token })).json).toMatchObject({
      id: api.principals.m02User.id,
    });

    const listed = await api.call('GET', '/v1/tokens?organisationCode=M02', { token: operator });
    expect(listed.status).toBe(200);
    expect((listed.json as { id: string }[]).map((t) => t.id)).toContain(apiToken.id);
    expect(listed.text).not.toContain(token);
    expect(listed.text).not.toContain('hash');
    const byPrincipal = await api.call(
      'GET',
      `/v1/tokens?principalId=${api.principals.m02User.id}`,
      {
        token: operator,
      },
    );
    expect((byPrincipal.json as unknown[]).length).toBe(2);

    const unknownPrincipal = await api.call(
      'POST',
      '/v1/principals/00000000-0000-4000-8000-000000000000/tokens',
      { token: operator, body: {} },
    );
    expect(unknownPrincipal.status).toBe(404);
  });

  it('registers, lists and revokes organisation keys', async () => {
    const pair = await generatePgpKeyPair({ name: 'M01 files', email: 'files@m01.invalid' });
    const added = await api.call('POST', '/v1/organisations/M01/keys', {
      token: operator,
      body: { type: 'pgp', publicKey: pair.armoredPublicKey },
    });
    expect(added.status).toBe(201);
    const key = added.json as { id: string; fingerprint: string; keyType: string };
    expect(key).toMatchObject({ keyType: 'pgp', fingerprint: pair.fingerprint });

    const duplicate = await api.call('POST', '/v1/organisations/M01/keys', {
      token: operator,
      body: { type: 'pgp', publicKey: pair.armoredPublicKey },
    });
    expect(duplicate.status).toBe(409);
    const garbage = await api.call('POST', '/v1/organisations/M01/keys', {
      token: operator,
      body: { type: 'ssh', publicKey: 'ssh-rsa AAAA not-a-key' },
    });
    expect(garbage.status).toBe(400);

    const listed = await api.call('GET', '/v1/organisations/M01/keys?type=pgp', {
      token: api.tokens.m01User,
    });
    expect((listed.json as { id: string }[]).map((k) => k.id)).toContain(key.id);

    const revoked = await api.call('POST', `/v1/organisations/M01/keys/${key.id}/revoke`, {
      token: operator,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ id: key.id, revokedAt: expect.any(String) });
    const active = await api.call('GET', '/v1/organisations/M01/keys', { token: operator });
    expect((active.json as { id: string }[]).map((k) => k.id)).not.toContain(key.id);
    const all = await api.call('GET', '/v1/organisations/M01/keys?includeRevoked=1', {
      token: operator,
    });
    expect((all.json as { id: string }[]).map((k) => k.id)).toContain(key.id);
  });

  it('lets a member admin version its instruction, and readers see the history', async () => {
    const put = await api.call('PUT', '/v1/members/M01/instructions', {
      token: api.tokens.m01Admin,
      body: { ...SAMPLE_INSTRUCTION, retentionMonths: 24 },
    });
    expect(put.status).toBe(201);
    const version = (put.json as { version: number }).version;
    expect(put.json).toMatchObject({ memberCode: 'M01', body: { retentionMonths: 24 } });

    const tooLong = await api.call('PUT', '/v1/members/M01/instructions', {
      token: api.tokens.m01Admin,
      body: { ...SAMPLE_INSTRUCTION, retentionMonths: 48 },
    });
    expect(tooLong.status).toBe(400);
    expect((tooLong.json as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
      'body.retentionMonths',
    ]);

    const byUser = await api.call('PUT', '/v1/members/M01/instructions', {
      token: api.tokens.m01User,
      body: SAMPLE_INSTRUCTION,
    });
    expect(byUser.status).toBe(403);

    const latest = await api.call('GET', '/v1/members/M01/instructions', {
      token: api.tokens.m01User,
    });
    expect(latest.json).toMatchObject({ version, body: { retentionMonths: 24 } });
    const [readEvent] = await api.latestEvents(1);
    expect(readEvent).toMatchObject({
      action: 'instruction.read',
      organisationCode: 'M01',
      instructionVersion: version,
      actor: `principal:${api.principals.m01User.id}`,
    });

    const history = await api.call('GET', '/v1/members/M01/instructions?history=1', {
      token: compliance,
    });
    const versions = (history.json as { version: number }[]).map((v) => v.version);
    expect(versions[0]).toBe(version);
    expect(versions).toEqual([...versions].sort((a, b) => b - a));

    const client = await api.call('GET', '/v1/members/C01/instructions', { token: operator });
    expect(client.status).toBe(404);
  });

  it('searches the audit log with filters and cursor paging, and records the read', async () => {
    const first = await api.call('GET', '/v1/audit?action=organisation.created&limit=2', {
      token: compliance,
    });
    expect(first.status).toBe(200);
    const page1 = first.json as { events: AuditEventJson[]; nextCursor: string | null };
    expect(page1.events.map((e) => e.action)).toEqual([
      'organisation.created',
      'organisation.created',
    ]);
    expect(page1.nextCursor).not.toBeNull();
    const second = await api.call(
      'GET',
      `/v1/audit?action=organisation.created&limit=2&cursor=${encodeURIComponent(page1.nextCursor ?? '')}`,
      { token: compliance },
    );
    const page2 = second.json as { events: AuditEventJson[] };
    expect(page2.events.length).toBeGreaterThan(0);
    expect(page2.events[0]?.seq).toBeGreaterThan(page1.events[1]?.seq ?? 0);

    const byOrg = await api.call(
      'GET',
      '/v1/audit?organisation=M01&action=instruction.changed,instruction.read',
      {
        token: operator,
      },
    );
    const events = (byOrg.json as { events: AuditEventJson[] }).events;
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.organisationCode))).toEqual(new Set(['M01']));

    const byActor = await api.call(
      'GET',
      `/v1/audit?actor=${encodeURIComponent(`principal:${api.principals.m01Admin.id}`)}&objectType=instruction`,
      { token: operator },
    );
    expect((byActor.json as { events: AuditEventJson[] }).events.length).toBeGreaterThan(0);

    const future = await api.call('GET', '/v1/audit?from=2999-01-01', { token: operator });
    expect((future.json as { events: unknown[] }).events).toEqual([]);

    const [readEvent] = await api.latestEvents(1);
    expect(readEvent).toMatchObject({
      action: 'audit.read',
      actor: `principal:${api.principals.operator.id}`,
      details: { via: 'search', filter: { from: '2999-01-01T00:00:00.000Z' }, eventCount: 0 },
    });

    const tail = await api.call('GET', '/v1/audit/tail?n=3', { token: compliance });
    const tailEvents = tail.json as AuditEventJson[];
    expect(tailEvents).toHaveLength(3);
    expect(tailEvents[2]?.action).toBe('audit.read');
  });

  it('verifies the chain, signs checkpoints and verifies against them', async () => {
    const verified = await api.call('GET', '/v1/audit/verify', { token: compliance });
    expect(verified.status).toBe(200);
    expect(verified.json).toMatchObject({ ok: true, firstBadSeq: null });

    const created = await api.call('POST', '/v1/audit/checkpoints', { token: operator });
    expect(created.status).toBe(201);
    const { checkpoint, signedText } = created.json as {
      checkpoint: { seq: number; platformFingerprint: string };
      signedText: string;
    };
    expect(checkpoint.platformFingerprint).toBe(api.platformKey.fingerprint);
    expect(signedText).toContain('BEGIN PGP SIGNED MESSAGE');

    const against = await api.call('POST', '/v1/audit/verify', {
      token: compliance,
      body: { checkpoint: signedText },
    });
    expect(against.status).toBe(200);
    expect(against.json).toMatchObject({ ok: true });
    const [event] = await api.latestEvents(1);
    expect(event).toMatchObject({
      action: 'audit.verified',
      details: { ok: true, checkpointSeq: checkpoint.seq },
    });

    const forged = await api.call('POST', '/v1/audit/verify', {
      token: compliance,
      body: {
        checkpoint: signedText.replace(`"seq":${checkpoint.seq}`, `"seq":${checkpoint.seq + 1}`),
      },
    });
    expect(forged.status).toBe(400);
  });

  it('serves the platform key as text and as JSON', async () => {
    const text = await api.call('GET', '/v1/platform/pgp-key');
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toContain('text/plain');
    expect(text.headers.get('x-alliage-fingerprint')).toBe(api.platformKey.fingerprint);
    expect(text.text).toBe(api.platformKey.armoredPublicKey);
    const json = await api.call('GET', '/v1/platform/pgp-key?format=json');
    expect(json.json).toEqual({
      fingerprint: api.platformKey.fingerprint,
      armoredPublicKey: api.platformKey.armoredPublicKey,
    });
    expect(text.text).not.toContain('PRIVATE');
  });

  it('publishes an OpenAPI 3.1 document listing every registered route', async () => {
    const response = await api.call('GET', '/v1/openapi.json');
    const document = response.json as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { operationId: string; requestBody?: unknown; security: unknown[] }>
      >;
    };
    expect(document.openapi).toBe('3.1.0');
    for (const route of listApiRoutes()) {
      const operation = document.paths[toOpenApiPath(route.path)]?.[route.method];
      expect(operation, `${route.method} ${route.path}`).toMatchObject({
        operationId: route.operationId,
      });
      expect(operation?.security).toEqual(
        route.access.kind === 'public' ? [] : [{ bearerAuth: [] }],
      );
      expect(Boolean(operation?.requestBody)).toBe(route.body !== null);
    }
    const operationCount = Object.values(document.paths).reduce(
      (count, methods) => count + Object.keys(methods).length,
      0,
    );
    expect(operationCount).toBe(listApiRoutes().length);
    const createOrg = document.paths['/v1/organisations']?.post as unknown as {
      requestBody: {
        content: {
          'application/json': {
            schema: { properties: Record<string, unknown>; required: string[] };
          };
        };
      };
    };
    const schema = createOrg.requestBody.content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['code', 'name', 'kind', 'sector', 'status']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['code', 'name', 'kind', 'sector']));
  });

  it('declares in the OpenAPI document every status it answered', async () => {
    await expectObservedAnswersDeclared(api);
  });
});

describe.each(testControlDbKinds())('a broken audit chain (%s)', (kind) => {
  it('is reported with 200 and ok: false, naming the first bad seq', async () => {
    const api = await startTestApi(kind);
    try {
      await sql`ALTER TABLE audit_events DISABLE TRIGGER ALL`.execute(api.ctx.db);
      await sql`UPDATE audit_events SET actor = actor || 'x' WHERE seq = 2`.execute(api.ctx.db);
      await sql`ALTER TABLE audit_events ENABLE TRIGGER ALL`.execute(api.ctx.db);
      const response = await api.call('GET', '/v1/audit/verify', { token: api.tokens.compliance });
      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({ ok: false, firstBadSeq: 2 });
    } finally {
      await api.close();
    }
  });
});
