import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AUDIT_CSV_COLUMNS,
  appendAuditEvent,
  createAlertWebhook,
  createAuditCheckpoint,
  createOrganisation,
  readAuditCheckpoint,
  SYSTEM_ACTOR,
  type TAlertWebhookPayload,
  type TAuditEvent,
  verifyAuditExport,
} from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { generatePgpKeyPair, type TPgpKeyPair } from '@alliage/crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, testPreviousPlatformKey } from './api-test-env.ts';

const EVENT_COUNT = 5000;

const cursorOf = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** A query the audit routes must refuse at the boundary, and the parameter they must name. */
const REFUSED: [query: string, parameter: string][] = [
  ['colour=red', 'colour'],
  // Wrong types: numbers are plain decimal integers, one value per parameter.
  ['limit=abc', 'limit'],
  ['limit=0x10', 'limit'],
  ['limit=1e2', 'limit'],
  ['limit=%205', 'limit'],
  ['limit=1&limit=2', 'limit'],
  ['limit=1001', 'limit'],
  ['instructionVersion=1.5', 'instructionVersion'],
  ['instructionVersion=0x1', 'instructionVersion'],
  ['instructionVersion=99999999999', 'instructionVersion'],
  ['actor=a&actor=b', 'actor'],
  // Bad dates, and a range that ends before it starts.
  ['from=2026-13-45', 'from'],
  ['from=yesterday', 'from'],
  ['from=0000-01-01', 'from'],
  ['to=2026-02-30', 'to'],
  ['from=2026-05-01&to=2026-01-01', 'to'],
  // Cursors this API never returned: a seq out of range, garbage.
  [`cursor=${cursorOf('seq:99999999999999999')}`, 'cursor'],
  [`cursor=${cursorOf('seq:-1')}`, 'cursor'],
  ['cursor=%00', 'cursor'],
  // Over-long, blank, or carrying control characters (a NUL makes PostgreSQL fail).
  [`actor=${'a'.repeat(201)}`, 'actor'],
  [`objectId=${'b'.repeat(201)}`, 'objectId'],
  [`cursor=${'c'.repeat(201)}`, 'cursor'],
  ['actor=%20%20', 'actor'],
  ['actor=%00', 'actor'],
  ['objectId=drop%00-1', 'objectId'],
  ['objectType=file%0Adrop', 'objectType'],
];

/** Paging parameters the export does not take (it refuses them as unknown). */
const PAGING = new Set(['limit', 'cursor']);

describe.each(testControlDbKinds())('audit explorer over HTTP (%s)', (kind) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(kind);
    await api.ctx.db.transaction().execute(async (trx) => {
      for (let index = 0; index < EVENT_COUNT; index += 1) {
        await appendAuditEvent(trx, api.ctx.clock, {
          action: 'file.received',
          actor: index % 2 === 0 ? 'sftp:M01' : 'sftp:M02',
          objectType: 'file_drop',
          objectId: `drop-${index}`,
          organisationCode: index % 2 === 0 ? 'M01' : 'M02',
          details: { bytes: index },
        });
      }
    });
  }, 180_000);
  afterAll(async () => {
    await api?.close();
  });

  it('streams the whole chain as JSONL that verifies offline against a signed checkpoint', async () => {
    const created = await api.call('POST', '/v1/audit/checkpoints', {
      token: api.tokens.compliance,
    });
    expect(created.status).toBe(201);
    const response = await api.call('GET', '/v1/audit/export?format=jsonl', {
      token: api.tokens.compliance,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/jsonl');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="alliage-audit-\d{4}-\d{2}-\d{2}T\d{6}Z\.jsonl"$/,
    );
    // Streamed: chunked transfer, no length computed up front.
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    const lines = response.text.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(EVENT_COUNT);

    const checkpoint = await readAuditCheckpoint(
      (created.json as { signedText: string }).signedText,
      [api.platformKey.armoredPublicKey],
    );
    const verification = await verifyAuditExport(lines, { checkpoint });
    expect(verification).toMatchObject({
      ok: true,
      startsAtGenesis: true,
      eventCount: lines.length,
      checkpointSeq: checkpoint.seq,
    });
    const [read] = await api.latestEvents(1);
    expect(read).toMatchObject({
      action: 'audit.read',
      actor: `principal:${api.principals.compliance.id}`,
      details: { via: 'export', format: 'jsonl', eventCount: lines.length, completed: true },
    });
  }, 60_000);

  it('verifies a checkpoint signed with a platform key rotated out since, and no other key', async () => {
    const previous = await testPreviousPlatformKey();
    const verifyWith = async (key: TPgpKeyPair) => {
      const { signedText } = await createAuditCheckpoint(api.ctx, SYSTEM_ACTOR, key);
      return api.call('POST', '/v1/audit/verify', {
        token: api.tokens.compliance,
        body: { checkpoint: signedText },
      });
    };
    const old = await verifyWith(previous);
    expect(old.status).toBe(200);
    expect(old.json).toMatchObject({ ok: true });
    const stranger = await generatePgpKeyPair({
      name: 'Not the platform',
      email: 'x@alliage.invalid',
    });
    expect((await verifyWith(stranger)).status).toBe(400);
  }, 60_000);

  it('exports CSV under the filters of GET /v1/audit; a filtered JSONL export says it cannot verify', async () => {
    const csv = await api.call(
      'GET',
      '/v1/audit/export?format=csv&organisation=M02&action=file.received',
      { token: api.tokens.operator },
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const records = csv.text.split('\r\n').filter((line) => line !== '');
    expect(records[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(records).toHaveLength(1 + EVENT_COUNT / 2);
    expect(records.slice(1).every((record) => record.split(',')[6] === 'M02')).toBe(true);
    const [read] = await api.latestEvents(1);
    expect(read?.details).toMatchObject({
      via: 'export',
      format: 'csv',
      eventCount: EVENT_COUNT / 2,
      filter: { organisationCode: 'M02', action: ['file.received'] },
    });

    const filtered = await api.call('GET', '/v1/audit/export?format=jsonl&organisation=M02', {
      token: api.tokens.operator,
    });
    const result = await verifyAuditExport(filtered.text.split('\n'));
    expect(result.ok).toBe(false);
    expect(result.reason).toContain('unfiltered export');

    const bad = await api.call('GET', '/v1/audit/export?format=xml', {
      token: api.tokens.operator,
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const member = await api.call('GET', '/v1/audit/export?format=csv', {
      token: api.tokens.m01Admin,
    });
    expect(member.status).toBe(403);
  });

  it('shows a member only the events about its own data', async () => {
    const seen: TAuditEvent[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const page = await api.call('GET', `/v1/members/M01/audit?limit=1000${query}`, {
        token: api.tokens.m01Admin,
      });
      expect(page.status).toBe(200);
      const body = page.json as { events: TAuditEvent[]; nextCursor: string | null };
      seen.push(...body.events);
      cursor = body.nextCursor;
    } while (cursor !== null);
    expect(seen.length).toBeGreaterThanOrEqual(EVENT_COUNT / 2);
    expect(seen.every((event) => event.organisationCode === 'M01')).toBe(true);
    const [read] = await api.latestEvents(1);
    expect(read).toMatchObject({
      action: 'audit.read',
      organisationCode: 'M01',
      details: { via: 'member' },
    });

    const filtered = await api.call('GET', '/v1/members/M01/audit?action=file.received&limit=3', {
      token: api.tokens.compliance,
    });
    expect((filtered.json as { events: TAuditEvent[] }).events.map((e) => e.objectId)).toEqual([
      'drop-0',
      'drop-2',
      'drop-4',
    ]);
    const other = await api.call('GET', '/v1/members/M02/audit', { token: api.tokens.m01Admin });
    expect(other.status).toBe(404);
    const client = await api.call('GET', '/v1/members/C01/audit', { token: api.tokens.operator });
    expect(client.status).toBe(404);
    const notAFilter = await api.call('GET', '/v1/members/M01/audit?organisation=M02', {
      token: api.tokens.m01Admin,
    });
    expect(notAFilter.status).toBe(400);
  });

  it('never shows a member who probed it: refused accesses stay in the staff view', async () => {
    const probe = await api.call('GET', '/v1/members/M01/audit', { token: api.tokens.m02User });
    expect(probe.status).toBe(403);
    const [denied] = await api.latestEvents(1);
    expect(denied).toMatchObject({ action: 'access.denied', organisationCode: 'M01' });
    const view = await api.call('GET', '/v1/members/M01/audit?action=access.denied', {
      token: api.tokens.m01Admin,
    });
    expect(view.status).toBe(200);
    expect((view.json as { events: TAuditEvent[] }).events).toEqual([]);
    expect(view.text).not.toContain('M02');
    const staff = await api.call('GET', '/v1/audit?organisation=M01&action=access.denied', {
      token: api.tokens.compliance,
    });
    expect((staff.json as { events: TAuditEvent[] }).events.map((e) => e.seq)).toContain(
      denied?.seq,
    );
  });

  it('shows an organisation both member and client only its side as a member', async () => {
    await createOrganisation(api.ctx, SYSTEM_ACTOR, {
      code: 'B01',
      name: 'Both B01',
      kind: 'both',
      sector: 'automobile',
    });
    // Its side as a member, then as a client: what its delivery's event says of the other
    // members (who supplied it, under which instructions) and of the seeds it was sent.
    await appendAuditEvent(api.ctx.db, api.ctx.clock, {
      action: 'file.received',
      actor: 'sftp:B01',
      objectType: 'file_drop',
      objectId: 'drop-b01',
      organisationCode: 'B01',
      details: { bytes: 10 },
    });
    for (const action of ['selection.counted', 'delivery.created', 'alert.raised'] as const) {
      await appendAuditEvent(api.ctx.db, api.ctx.clock, {
        action,
        actor: 'system',
        objectType: 'delivery',
        objectId: `${action}-b01`,
        organisationCode: 'B01',
        details: { seedCount: 3, members: [{ memberCode: 'M02', persons: 40 }] },
      });
    }
    const view = await api.call('GET', '/v1/members/B01/audit?limit=1000', {
      token: api.tokens.compliance,
    });
    expect(view.status).toBe(200);
    const events = (view.json as { events: TAuditEvent[] }).events;
    expect(events.map((event) => event.action)).toEqual(['organisation.created', 'file.received']);
    expect(view.text).not.toContain('seedCount');
    // Asking for them by name gives nothing either.
    const asked = await api.call('GET', '/v1/members/B01/audit?action=delivery.created', {
      token: api.tokens.compliance,
    });
    expect((asked.json as { events: TAuditEvent[] }).events).toEqual([]);
    // Staff's own view of the chain still holds them.
    const staff = await api.call('GET', '/v1/audit?organisation=B01&limit=1000', {
      token: api.tokens.compliance,
    });
    expect((staff.json as { events: TAuditEvent[] }).events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['selection.counted', 'delivery.created', 'alert.raised']),
    );
  });

  it('refuses a malformed filter at the boundary: a 400 naming it, never a database error', async () => {
    const routes = ['/v1/audit?', '/v1/members/M01/audit?', '/v1/audit/export?format=csv&'];
    /** Every case answered otherwise, to see them all at once. */
    const wrong: string[] = [];
    for (const [query, parameter] of REFUSED) {
      for (const route of routes) {
        if (route.startsWith('/v1/audit/export') && PAGING.has(parameter)) continue;
        const where = `${route}${query.slice(0, 40)}`;
        const response = await api
          .call('GET', `${route}${query}`, { token: api.tokens.compliance })
          .catch((error: unknown) => ({ status: String(error), json: undefined }));
        const paths = (response.json as { errors?: { path: string }[] } | undefined)?.errors?.map(
          (error) => error.path,
        );
        if (response.status !== 400 || !paths?.includes(`query.${parameter}`)) {
          wrong.push(`${where} → ${response.status} ${paths?.join(',') ?? ''}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('still reads with well-formed filters; the tail count is decimal digits too', async () => {
    const page = await api.call(
      'GET',
      `/v1/audit?actor=system&objectType=organisation&instructionVersion=1&from=2020-01-01&to=2999-01-01T00:00:00Z&limit=5&cursor=${cursorOf('seq:0')}`,
      { token: api.tokens.compliance },
    );
    expect(page.status, page.text).toBe(200);
    const tail = await api.call('GET', '/v1/audit/tail?n=0x10', { token: api.tokens.compliance });
    expect(tail.status).toBe(400);
    expect(tail.text).toContain('query.n');
  });

  it('alerts on repeated denied accesses and on a broken chain, through the webhook', async () => {
    const received: TAlertWebhookPayload[] = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => {
        text += String(chunk);
      });
      req.on('end', () => {
        received.push(JSON.parse(text) as TAlertWebhookPayload);
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
    api.ctx.alerts = {
      deniedAccessThreshold: 5,
      notify: createAlertWebhook({ url, onError: () => undefined }),
    };
    try {
      const principalId = api.principals.m02User.id;
      for (let attempt = 1; attempt <= 6; attempt += 1) {
        const denied = await api.call('GET', '/v1/audit', { token: api.tokens.m02User });
        expect(denied.status).toBe(403);
      }
      type TAlertView = { id: string; kind: string; details: Record<string, unknown> };
      const listAlerts = async (query = '') =>
        (await api.call('GET', `/v1/alerts${query}`, { token: api.tokens.compliance }))
          .json as TAlertView[];
      const repeated = (await listAlerts()).filter(
        (alert) =>
          alert.kind === 'access_denied_repeated' && alert.details.principalId === principalId,
      );
      expect(repeated).toHaveLength(1);
      expect(repeated[0]?.details.count).toBe(5);
      const alertId = repeated[0]?.id ?? '';
      expect((await listAlerts('?open=true')).map((alert) => alert.id)).toContain(alertId);

      // Compliance acknowledges it, once, with a note; it leaves the open ones.
      const acknowledge = (note: unknown) =>
        api.call('POST', `/v1/alerts/${alertId}/acknowledge`, {
          token: api.tokens.compliance,
          body: { note },
        });
      expect((await acknowledge('')).status).toBe(400);
      const acknowledged = await acknowledge('m02 user re-trained on their role');
      expect(acknowledged.status).toBe(200);
      expect(acknowledged.json).toMatchObject({
        id: alertId,
        acknowledgedByRef: `principal:${api.principals.compliance.id}`,
      });
      expect((await listAlerts('?open=true')).map((alert) => alert.id)).not.toContain(alertId);
      expect((await listAlerts('?open=false')).map((alert) => alert.id)).toContain(alertId);
      expect((await acknowledge('again')).status).toBe(409);
      const unknown = await api.call(
        'POST',
        '/v1/alerts/00000000-0000-4000-8000-0000000000ff/acknowledge',
        { token: api.tokens.compliance, body: { note: 'x' } },
      );
      expect(unknown.status).toBe(404);
      expect(
        (await api.call('GET', '/v1/alerts?open=maybe', { token: api.tokens.compliance })).status,
      ).toBe(400);
      await expect
        .poll(() => received.map((payload) => payload.kind))
        .toContain('access_denied_repeated');

      await api.ctx.db.transaction().execute(async (trx) => {
        await sql`ALTER TABLE audit_events DISABLE TRIGGER ALL`.execute(trx);
        await sql`UPDATE audit_events SET details = '{"bytes": -1}' WHERE seq = 100`.execute(trx);
        await sql`ALTER TABLE audit_events ENABLE TRIGGER ALL`.execute(trx);
      });
      const verified = await api.call('GET', '/v1/audit/verify', { token: api.tokens.compliance });
      expect(verified.json).toMatchObject({ ok: false, firstBadSeq: 100 });
      await expect
        .poll(() => received.map((payload) => payload.kind))
        .toContain('audit_chain_failed');
      expect(received.find((payload) => payload.kind === 'audit_chain_failed')?.ids).toMatchObject({
        firstBadSeq: 100,
      });
    } finally {
      delete api.ctx.alerts;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
