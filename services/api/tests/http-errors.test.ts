import { openControlDb } from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-test-env.ts';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors: { path: string; message: string }[];
  requestId?: string;
}

function expectProblem(
  response: { status: number; headers: Headers; json: unknown },
  status: number,
) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const problem = response.json as Problem;
  expect(problem).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(problem.code).toEqual(expect.any(String));
  expect(Array.isArray(problem.errors)).toBe(true);
  return problem;
}

describe.each(testControlDbKinds())('HTTP errors and protections (%s)', (kind) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(kind);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('lists each offending field of a malformed body, never the values', async () => {
    const response = await api.call('POST', '/v1/organisations', {
      token: api.tokens.operator,
      body: {
        code: 'not a code SECRET-VALUE-1',
        name: '',
        kind: 'cooperative',
        sector: 'energie',
        extra: 'SECRET-VALUE-2',
      },
    });
    const problem = expectProblem(response, 400);
    expect(problem.code).toBe('validation_failed');
    const paths = problem.errors.map((error) => error.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.code', 'body.name', 'body.kind', 'body.extra']),
    );
    expect(response.text).not.toContain('SECRET-VALUE');
    expect(response.text).not.toContain('cooperative');
  });

  it('validates path parameters and query strings too', async () => {
    const badId = await api.call('POST', '/v1/tokens/not-a-uuid/revoke', {
      token: api.tokens.operator,
    });
    expect(expectProblem(badId, 400).errors.map((error) => error.path)).toEqual(['params.id']);
    const badQuery = await api.call('GET', '/v1/organisations?kind=alien&colour=red', {
      token: api.tokens.operator,
    });
    expect(
      expectProblem(badQuery, 400)
        .errors.map((error) => error.path)
        .sort(),
    ).toEqual(['query.colour', 'query.kind']);
    const badTail = await api.call('GET', '/v1/audit/tail?n=5000', {
      token: api.tokens.compliance,
    });
    expect(expectProblem(badTail, 400).errors.map((error) => error.path)).toEqual(['query.n']);
  });

  it('refuses a missing body and a body that is not JSON', async () => {
    const missing = await api.call('POST', '/v1/principals', { token: api.tokens.operator });
    expect(expectProblem(missing, 400).errors.map((error) => error.path)).toEqual(['body']);
    const text = await api.call('POST', '/v1/principals', {
      token: api.tokens.operator,
      rawBody: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(expectProblem(text, 400).code).toBe('bad_request');
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const response = await api.call('POST', '/v1/organisations', {
      token: api.tokens.operator,
      rawBody: '{"code": "M09", "name": ',
    });
    const problem = expectProblem(response, 400);
    expect(problem.code).toBe('bad_request');
    expect(response.text).not.toContain('"code": "M09"');
    expect(response.text).not.toMatch(/at .*\.js:\d+/);
  });

  it('maps AppError codes to their statuses (409 on a duplicate code)', async () => {
    const response = await api.call('POST', '/v1/organisations', {
      token: api.tokens.operator,
      body: { code: 'M01', name: 'Again', kind: 'member', sector: 'automobile' },
    });
    expect(expectProblem(response, 409).code).toBe('conflict');
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await api.call('GET', '/v1/nothing-here', { token: api.tokens.operator });
    expect(expectProblem(response, 404).code).toBe('not_found');
    const wrongMethod = await api.call('DELETE', '/v1/organisations/M01', {
      token: api.tokens.operator,
    });
    expectProblem(wrongMethod, 404);
  });

  it('sets security headers, no-store and a request id', async () => {
    const response = await api.call('GET', '/healthz');
    expect(response.json).toMatchObject({ status: 'ok' });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs request id, route, status and principal, never tokens or bodies', async () => {
    const marker = 'Maison Tres Secrete';
    const created = await api.call('POST', '/v1/organisations', {
      token: api.tokens.operator,
      body: { code: 'M77', name: marker, kind: 'member', sector: 'automobile' },
      headers: { 'x-request-id': 'test-request-0001' },
    });
    expect(created.status).toBe(201);
    const line = api.logs.find((entry) => entry.requestId === 'test-request-0001');
    expect(line).toMatchObject({
      method: 'POST',
      route: '/v1/organisations',
      status: 201,
      principalId: api.principals.operator.id,
    });
    const allLogs = JSON.stringify(api.logs);
    expect(allLogs).not.toContain(marker);
    for (const token of Object.values(api.tokens)) expect(allLogs).not.toContain(token);
  });
});

describe.each(testControlDbKinds())('HTTP limits (%s)', (kind) => {
  it('answers an oversize body with a 413 problem', async () => {
    const api = await startTestApi(kind, { http: { bodyLimit: '1kb' } });
    try {
      const response = await api.call('POST', '/v1/organisations', {
        token: api.tokens.operator,
        body: { code: 'M55', name: 'x'.repeat(2000), kind: 'member', sector: 'automobile' },
      });
      expect(expectProblem(response, 413).code).toBe('payload_too_large');
    } finally {
      await api.close();
    }
  });

  it('answers a burst with 429 problems, per token and per address', async () => {
    const api = await startTestApi(kind, { http: { rateLimitPerMinute: 5 } });
    try {
      const statuses: number[] = [];
      for (let index = 0; index < 7; index += 1) {
        statuses.push((await api.call('GET', '/v1/me', { token: api.tokens.m01User })).status);
      }
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(5)).toEqual([429, 429]);
      const limited = await api.call('GET', '/v1/me', { token: api.tokens.m01User });
      expect(expectProblem(limited, 429).code).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another token has its own budget.
      expect((await api.call('GET', '/v1/me', { token: api.tokens.m02User })).status).toBe(200);
      // Without a token the budget is the address's; made-up tokens share one for failures.
      const anonymous: number[] = [];
      for (let index = 0; index < 6; index += 1) {
        anonymous.push((await api.call('GET', '/healthz')).status);
      }
      expect(anonymous.at(-1)).toBe(429);
      const guesses: number[] = [];
      for (let index = 0; index < 7; index += 1) {
        guesses.push((await api.call('GET', '/v1/me', { token: `alg_guess${index}` })).status);
      }
      expect(guesses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(guesses.slice(5)).toEqual([429, 429]);
      // The address is blocked for guesses, not for a token that authenticated before.
      expect((await api.call('GET', '/v1/me', { token: api.tokens.m02User })).status).toBe(200);
      expect((await api.call('GET', '/v1/me', { token: 'alg_guess9' })).status).toBe(429);
    } finally {
      await api.close();
    }
  });

  it('answers an unexpected failure with a bare 500: no stack, no SQL', async () => {
    // A control plane without its tables: every query fails inside the driver.
    const empty = await openControlDb({});
    const api = await startTestApi(kind, {
      control: { db: empty.db, clock: () => new Date() },
      seed: false,
    });
    try {
      const response = await api.call('GET', '/v1/me', { token: 'alg_anything' });
      const problem = expectProblem(response, 500);
      expect(problem.code).toBe('internal');
      expect(problem.requestId).toBe(response.headers.get('x-request-id'));
      for (const leak of ['select', 'api_tokens', 'relation', 'stack', '.ts:', 'at ']) {
        expect(response.text.toLowerCase()).not.toContain(leak.toLowerCase());
      }
      const logged = api.logs.find((entry) => entry.msg === 'unhandled error');
      expect(logged).toMatchObject({ requestId: problem.requestId, route: '/v1/me' });
    } finally {
      await api.close();
      await empty.close();
    }
  });

  it('answers a failing health probe with a 500 problem, not its message', async () => {
    const api = await startTestApi(kind, {
      seed: false,
      health: () => {
        throw new Error('SELECT secret FROM vault');
      },
    });
    try {
      const response = await api.call('GET', '/healthz');
      expectProblem(response, 500);
      expect(response.text).not.toContain('vault');
    } finally {
      await api.close();
    }
  });
});
