import {
  claimFileDrop,
  completeFileDrop,
  getFileDrop,
  recordFileDropFailure,
  registerFileDrop,
  SYSTEM_ACTOR,
} from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { toAbandonedDropReport } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-test-env.ts';
import { expectObservedAnswersDeclared } from './declared-statuses.ts';
import { abandonedFileDrop, removeSampleDropStores } from './file-samples.ts';

describe.each(testControlDbKinds())('file drops over HTTP (%s)', (kind) => {
  let api: TestApi;
  let m02DropId: string;

  beforeAll(async () => {
    api = await startTestApi(kind);
    for (const [code, digit] of [
      ['M01', 'a'],
      ['M02', 'b'],
    ] as const) {
      const drop = await registerFileDrop(
        api.ctx,
        SYSTEM_ACTOR,
        {
          organisationCode: code,
          fileName: 'customers.csv.pgp',
          source: 'sftp',
          sizeBytes: 10,
          sha256: digit.repeat(64),
          storagePath: `/srv/test-only/${code}`,
        },
        async () => {},
      );
      if (code === 'M02') m02DropId = drop.id;
    }
  });
  afterAll(async () => {
    await api?.close();
    removeSampleDropStores();
  });

  /** A drop of M01 that no intake ran on yet, its SHA-256 made of `digit`. */
  const registerM01Drop = (fileName: string, digit: string) =>
    registerFileDrop(
      api.ctx,
      SYSTEM_ACTOR,
      {
        organisationCode: 'M01',
        fileName,
        source: 'sftp',
        sizeBytes: 10,
        sha256: digit.repeat(64),
        storagePath: `/srv/test-only/M01-${digit}`,
      },
      async () => {},
    );

  it('shows a member only its own drops, without storage paths', async () => {
    const own = await api.call('GET', '/v1/files', { token: api.tokens.m01User });
    expect(own.status).toBe(200);
    const drops = own.json as { organisationCode: string; storagePath?: string }[];
    expect(drops.map((drop) => drop.organisationCode)).toEqual(['M01']);
    expect(drops[0]?.storagePath).toBeUndefined();
    const all = await api.call('GET', '/v1/files', { token: api.tokens.compliance });
    expect((all.json as unknown[]).length).toBe(2);
  });

  it('answers 404 and audits a member asking for another member’s drops', async () => {
    const byId = await api.call('GET', `/v1/files/${m02DropId}`, { token: api.tokens.m01Admin });
    expect(byId.status).toBe(404);
    expect((await api.latestEvents(1))[0]).toMatchObject({
      action: 'access.denied',
      organisationCode: 'M02',
    });
    const byFilter = await api.call('GET', '/v1/files?organisationCode=M02', {
      token: api.tokens.m01Admin,
    });
    expect(byFilter.status).toBe(404);
    const operator = await api.call('GET', `/v1/files/${m02DropId}`, {
      token: api.tokens.operator,
    });
    expect(operator.status).toBe(200);
  });

  it('refuses an organisationCode filter that is not a code, writing none of it anywhere', async () => {
    const before = (await api.latestEvents(1))[0]?.seq ?? 0;
    const personalText = 'Jean DUPONT jean.dupont@example.invalid 06 12 34 56 78';
    for (const value of [personalText, 'M02'.padEnd(600, 'X')]) {
      for (const token of [api.tokens.m01User, api.tokens.operator]) {
        const response = await api.call(
          'GET',
          `/v1/files?organisationCode=${encodeURIComponent(value)}`,
          { token },
        );
        expect(response.status).toBe(400);
        const problem = response.json as { code: string; errors: { path: string }[] };
        expect(problem.code).toBe('validation_failed');
        expect(problem.errors.map((error) => error.path)).toEqual(['query.organisationCode']);
        expect(response.text).not.toContain('DUPONT');
        expect(response.text).not.toContain('audit');
      }
    }
    const written = (await api.latestEvents(20)).filter((event) => event.seq > before);
    expect(JSON.stringify(written)).not.toContain('DUPONT');
    expect(JSON.stringify(written)).not.toContain('XXXX');
  });

  it('takes limit only in plain decimal digits, naming query.limit otherwise', async () => {
    for (const limit of ['0x10', '1e2', '%205', '1.0', '+5', '0', '501', '1&limit=2']) {
      const response = await api.call('GET', `/v1/files?limit=${limit}`, {
        token: api.tokens.operator,
      });
      expect(response.status, limit).toBe(400);
      const problem = response.json as { code: string; errors: { path: string }[] };
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors.map((error) => error.path)).toEqual(['query.limit']);
    }
    const one = await api.call('GET', '/v1/files?limit=1', { token: api.tokens.operator });
    expect(one.status).toBe(200);
    expect((one.json as unknown[]).length).toBe(1);
  });

  it('validates and stores a dialect profile', async () => {
    const bad = await api.call('PUT', '/v1/members/M01/dialect', {
      token: api.tokens.m01Admin,
      body: { delimiter: ',', decimalSeparator: ',' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('decimalSeparator');
    const good = await api.call('PUT', '/v1/members/M01/dialect', {
      token: api.tokens.m01Admin,
      body: {
        encoding: 'windows-1252',
        delimiter: ';',
        decimalSeparator: ',',
        headers: { customers: { NOM: 'last_name' } },
      },
    });
    expect(good.status).toBe(200);
    const read = await api.call('GET', '/v1/members/M01/dialect', { token: api.tokens.m01User });
    expect(read.json).toMatchObject({ encoding: 'windows-1252', delimiter: ';' });
  });

  it('tells a member why its unfinished drop is not loaded yet, in member-facing codes only', async () => {
    const drop = await registerM01Drop('transactions.csv.pgp', 'c');
    const readAs = async (token: string) => {
      const listed = await api.call('GET', '/v1/files', { token });
      const one = await api.call('GET', `/v1/files/${drop.id}`, { token });
      expect(listed.status).toBe(200);
      expect(one.status).toBe(200);
      const fromList = (listed.json as { id: string }[]).find((entry) => entry.id === drop.id);
      expect(fromList).toEqual(one.json);
      return { view: one.json as Record<string, unknown>, text: listed.text + one.text };
    };
    const member = api.tokens.m01User;

    const fresh = await readAs(member);
    expect(fresh.view).toMatchObject({ status: 'received', attempts: 0, lastErrorCode: null });

    // Two attempts, the last one lost its connection: a passing failure, retried.
    await claimFileDrop(api.ctx, drop.id);
    await claimFileDrop(api.ctx, drop.id);
    await recordFileDropFailure(api.ctx, drop.id, 'ECONNREFUSED');
    const passing = await readAs(member);
    expect(passing.view).toMatchObject({
      status: 'processing',
      attempts: 2,
      lastErrorCode: 'temporarily_unavailable',
    });
    expect(passing.view).not.toHaveProperty('lastInternalErrorCode');
    expect(passing.text).not.toContain('ECONNREFUSED');
    // Operators and compliance also see the platform's own code.
    expect((await readAs(api.tokens.operator)).view).toMatchObject({
      lastErrorCode: 'temporarily_unavailable',
      lastInternalErrorCode: 'ECONNREFUSED',
    });

    // A SQLSTATE names the platform's internals: a member reads a platform error.
    await recordFileDropFailure(api.ctx, drop.id, 'P0001');
    const failing = await readAs(member);
    expect(failing.view).toMatchObject({ lastErrorCode: 'platform_error' });
    expect(failing.text).not.toContain('P0001');

    // Once finished, its outcome says it all: the failed attempts before it are not shown.
    await api.ctx.db
      .updateTable('file_drops')
      .set({ status: 'rejected', finished_at: new Date() })
      .where('id', '=', drop.id)
      .execute();
    expect((await readAs(member)).view).toMatchObject({ status: 'rejected', lastErrorCode: null });
  });

  it('shows a member the drop the platform gave up on, and what kept failing', async () => {
    const drop = await registerM01Drop('customers-given-up.csv.pgp', 'd');
    await claimFileDrop(api.ctx, drop.id);
    await claimFileDrop(api.ctx, drop.id);
    await recordFileDropFailure(api.ctx, drop.id, '57P01');
    await completeFileDrop(
      api.ctx,
      SYSTEM_ACTOR,
      toAbandonedDropReport(await getFileDrop(api.ctx, drop.id), new Date()),
    );
    const listed = await api.call('GET', '/v1/files?status=abandoned', {
      token: api.tokens.m01User,
    });
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual([
      expect.objectContaining({
        id: drop.id,
        status: 'abandoned',
        attempts: 2,
        rejectionReason: null,
        lastErrorCode: 'temporarily_unavailable',
        report: expect.objectContaining({
          abandonment: expect.objectContaining({ reason: 'platform_failures' }),
        }),
      }),
    ]);
    expect(listed.text).not.toContain('57P01');
  });

  it('lets an operator retry a drop the platform gave up on, once, and queues it', async () => {
    const drop = await abandonedFileDrop(api, 'M01');
    const retry = (token: string) => api.call('POST', `/v1/files/${drop.id}/retry`, { token });
    // Members see it, an operator retries it.
    expect((await retry(api.tokens.m01Admin)).status).toBe(403);
    const retried = await retry(api.tokens.operator);
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({
      id: drop.id,
      status: 'received',
      attempts: 0,
      report: null,
    });
    expect(retried.text).not.toContain('storagePath');
    expect(api.queuedFileDrops).toEqual([drop.id]);
    const [event] = await api.latestEvents(1);
    expect(event).toMatchObject({
      action: 'file.retried',
      actor: `principal:${api.principals.operator.id}`,
      objectId: drop.id,
      organisationCode: 'M01',
    });
    // Received again: not abandoned, nothing to retry (and nothing queued twice).
    const again = await retry(api.tokens.operator);
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ detail: expect.stringContaining('is received') });
    expect(api.queuedFileDrops).toEqual([drop.id]);
    expect(
      (await api.call('POST', `/v1/files/${m02DropId}/retry`, { token: api.tokens.operator }))
        .status,
    ).toBe(409);
  });

  it('declares in the OpenAPI document every status it answered', async () => {
    await expectObservedAnswersDeclared(api);
  });
});
