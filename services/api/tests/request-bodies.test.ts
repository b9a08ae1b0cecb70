import { request } from 'node:http';
import { connect } from 'node:net';
import { testControlDbKinds } from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, type TSeededCaller } from './api-test-env.ts';

/** A body the JSON parser refuses (400) as soon as it reads it. */
const NOT_JSON = '{"keyColumn": "insee_code", "csv": ';

interface RawAnswer {
  /** Every status the server sent, in order (a `100 Continue`, then the answer). */
  statuses: number[];
  /** The answer's `Connection` header. */
  connection: string | undefined;
}

interface RawRequest {
  method: string;
  path: string;
  token?: string;
  /** The `Content-Length` announced. */
  declaredBytes: number;
  /** Sent right after the headers. */
  bodyNow: string;
  /** Sent once the server answers `100 Continue` (the request says `Expect: 100-continue`). */
  bodyAfterContinue?: string;
  /** Closes the connection after the answer, for an answer that would otherwise keep it. */
  closeAfter?: boolean;
}

/**
 * Sends a request over a bare socket and waits until the server ends the connection. A
 * request whose `bodyNow` is shorter than `declaredBytes` only ends if the server answers
 * without reading the body it was promised.
 */
function exchangeRaw(url: string, request: RawRequest): Promise<RawAnswer> {
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
        ...(request.bodyAfterContinue === undefined ? [] : ['expect: 100-continue']),
        ...(request.closeAfter ? ['connection: close'] : []),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n${request.bodyNow}`);
    });
    let continued = false;
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (!continued && request.bodyAfterContinue && received.startsWith('HTTP/1.1 100 ')) {
        continued = true;
        socket.write(request.bodyAfterContinue);
      }
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const statuses = [...received.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((match) =>
        Number(match[1]),
      );
      const connection = /^connection: *(.*)$/im.exec(received)?.[1]?.trim();
      resolve({ statuses, connection });
      socket.destroy();
    });
  });
}

interface ChunkedOutcome {
  /** The answer's status, or null when none came. */
  status: number | null;
  connection: string | undefined;
  /** Body bytes written when the answer arrived. */
  sentAtAnswer: number;
  /** Body bytes written in all, when the connection closed or the client gave up. */
  sent: number;
  /** False when the client gave up waiting instead. */
  closedByServer: boolean;
}

/**
 * Posts a chunked body to `path` that never ends: 16 KiB chunks, as fast as the server
 * takes them, up to `capBytes`; then waits `graceMs` for an answer. Resolves once the
 * connection is closed (or the wait is over) with what was answered and written.
 */
function sendEndlessChunkedBody(
  url: string,
  options: { path: string; token: string; capBytes: number; graceMs: number },
): Promise<ChunkedOutcome> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const outcome: ChunkedOutcome = {
      status: null,
      connection: undefined,
      sentAtAnswer: -1,
      sent: 0,
      closedByServer: false,
    };
    const chunk = Buffer.alloc(16 * 1024, 'x');
    let settled = false;
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      outcome.closedByServer = closedByServer;
      clearTimeout(giveUp);
      req.destroy();
      resolve(outcome);
    };
    let giveUp = setTimeout(() => finish(false), 30_000);
    const req = request({
      host: hostname,
      port: Number(port),
      method: 'POST',
      path: options.path,
      headers: {
        authorization: `Bearer ${options.token}`,
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      },
    });
    req.on('response', (res) => {
      outcome.status = res.statusCode ?? null;
      outcome.connection = res.headers.connection;
      outcome.sentAtAnswer = outcome.sent;
      res.resume();
    });
    // The server closing the connection under a write (EPIPE, ECONNRESET) is expected.
    req.on('error', () => finish(true));
    req.on('close', () => finish(true));
    const pump = () => {
      while (!settled && outcome.sent < options.capBytes) {
        const head = outcome.sent === 0 ? Buffer.from('{"name":"') : chunk;
        outcome.sent += head.length;
        if (!req.write(head)) {
          req.once('drain', pump);
          return;
        }
      }
      // Everything written and still no end sent: wait a little for an answer.
      if (!settled) {
        clearTimeout(giveUp);
        giveUp = setTimeout(() => finish(false), options.graceMs);
      }
    };
    pump();
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
      const answer = await exchangeRaw(api.url, {
        method,
        path,
        declaredBytes: bytes,
        bodyNow: `{"csv":"${'x'.repeat(1000)}`,
        ...(token ? { token } : {}),
      });
      expect(answer, path).toEqual({ statuses: [status], connection: 'close' });
    }
  });

  it('asks for a body (100 Continue) only once the caller is authorised', async () => {
    const path = '/v1/reference-tables/communes';
    const request = { method: 'PUT', path, declaredBytes: NOT_JSON.length, bodyNow: '' };
    const anonymous = await exchangeRaw(api.url, { ...request, bodyAfterContinue: NOT_JSON });
    expect(anonymous).toEqual({ statuses: [401], connection: 'close' });
    const operator = await exchangeRaw(api.url, {
      ...request,
      token: api.tokens.operator,
      bodyAfterContinue: NOT_JSON,
      closeAfter: true,
    });
    expect(operator.statuses).toEqual([100, 400]);
  });
  it('answers 413 as soon as a chunked body passes the limit, and reads no more of it', async () => {
    const limit = 100 * 1024;
    const outcome = await sendEndlessChunkedBody(api.url, {
      path: '/v1/organisations',
      token: api.tokens.operator,
      capBytes: 256 * 1024 * 1024,
      graceMs: 2000,
    });
    expect(outcome.status).toBe(413);
    expect(outcome.connection).toBe('close');
    // The answer comes once the limit is passed, not once the body ends (it never does);
    // what was written beyond it sat in socket buffers, and the connection then closed.
    expect(outcome.sentAtAnswer).toBeGreaterThan(limit);
    expect(outcome.sent).toBeLessThan(32 * 1024 * 1024);
    expect(outcome.closedByServer).toBe(true);
  });

  it('still reads a chunked body under the limit', async () => {
    const { hostname, port } = new URL(api.url);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        {
          host: hostname,
          port: Number(port),
          method: 'POST',
          path: '/v1/organisations',
          headers: {
            authorization: `Bearer ${api.tokens.operator}`,
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.write('{"code":"C09","name":"Chunked client",');
      req.end('"kind":"client","sector":"energie"}');
    });
    expect(status).toBe(201);
  });
});
