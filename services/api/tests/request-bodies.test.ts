import { connect } from 'node:net';
import { testControlDbKinds } from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, type TSeededCaller } from './api-test-env.ts';

/** A body the JSON parser refuses (400) as soon as it reads it. */
const NOT_JSON = '{"keyColumn": "insee_code", "csv": ';

interface RawAnswer {
  status: number;
  /** Its `Connection` header. */
  connection: string | undefined;
}

/**
 * Sends the headers of a request declaring a `declaredBytes` body and only its first
 * kilobyte, then waits until the server ends the connection: that happens only if it
 * answers without reading the body it was promised.
 */
function sendWithUnsentBody(
  url: string,
  request: { method: string; path: string; token?: string; declaredBytes: number },
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.on('connect', () => {
      const lines = [
        `${request.method} ${request.path} HTTP/1.1`,
        `host: ${hostname}`,
        'content-type: application/json',
        `content-length: ${request.declaredBytes}`,
        ...(request.token ? [`authorization: Bearer ${request.token}`] : []),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n{"csv":"${'x'.repeat(1000)}`);
    });
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const head = received.split('\r\n\r\n')[0] ?? '';
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const connection = headerLines
        .find((line) => line.toLowerCase().startsWith('connection:'))
        ?.slice('connection:'.length)
        .trim();
      resolve({ status: Number(statusLine.split(' ')[1]), connection });
      socket.destroy();
    });
  });
}

describe.each(testControlDbKinds())('request bodies are read after authorisation (%s)', (kind) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(kind);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('refuses an anonymous, wrong-role or unknown-route body without parsing it', async () => {
    // Were the body parsed first, each of these would be a 400 "not well-formed JSON".
    const cases: [TSeededCaller | null, string, string, number][] = [
      [null, 'PUT', '/v1/reference-tables/communes', 401],
      [null, 'POST', '/v1/repoussoir/import', 401],
      [null, 'PUT', '/V1/REFERENCE-TABLES/communes', 401],
      ['m01Admin', 'PUT', '/v1/reference-tables/communes', 403],
      ['m01Admin', 'POST', '/v1/repoussoir/import', 403],
      [null, 'PUT', '/V1/REFERENCE-TABLES/anything/at/all', 404],
      [null, 'PUT', '/v1/repoussoir/import/extra', 404],
      // Another member's organisation is refused before its body is read.
      ['m01Admin', 'PUT', '/v1/members/M02/dialect', 404],
      // A route that takes no body does not read one either.
      ['compliance', 'POST', '/v1/audit/checkpoints', 201],
      // An authorised caller's body is read, and refused.
      ['operator', 'PUT', '/v1/reference-tables/communes', 400],
    ];
    for (const [caller, method, path, status] of cases) {
      const token = caller === null ? null : api.tokens[caller];
      const response = await api.call(method, path, { token, rawBody: NOT_JSON });
      expect(response.status, `${caller} ${method} ${path}`).toBe(status);
    }
  });

  it('answers a refused request before its body arrives, then closes the connection', async () => {
    // Each answer can only come without the body: the client sends the first kilobyte of
    // what it declared and waits; the server ending the connection resolves the wait.
    const cases = [
      { method: 'PUT', path: '/v1/reference-tables/communes', bytes: 60_000_000, status: 401 },
      { method: 'PUT', path: '/v1/reference-tables/a/b', bytes: 60_000_000, status: 404 },
      { method: 'POST', path: '/v1/repoussoir/import', bytes: 3_000_000, status: 403 },
      // Above the route's limit on its declared length: 100 kb here, 4 MB for the import.
      { method: 'POST', path: '/v1/organisations', bytes: 200_000, status: 413 },
      { method: 'POST', path: '/v1/repoussoir/import', bytes: 5 * 1024 * 1024, status: 413 },
    ];
    for (const { method, path, bytes, status } of cases) {
      const token =
        status === 403 ? api.tokens.c01Marketer : status === 413 ? api.tokens.operator : undefined;
      const answer = await sendWithUnsentBody(api.url, {
        method,
        path,
        declaredBytes: bytes,
        ...(token ? { token } : {}),
      });
      expect(answer, path).toEqual({ status, connection: 'close' });
    }
  });
});
