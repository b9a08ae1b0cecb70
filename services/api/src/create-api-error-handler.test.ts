import { appendAuditEvent, SYSTEM_ACTOR } from '@alliage/control';
import { createTestControlDb, type TestControlDb } from '@alliage/control/testing';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiErrorHandler } from './create-api-error-handler.ts';
import { createRequestLogger } from './create-request-logger.ts';
import { type ApiServer, startApiServer } from './start-api-server.ts';

describe('createApiErrorHandler', () => {
  let control: TestControlDb;
  let server: ApiServer;
  const logs: Record<string, unknown>[] = [];

  beforeAll(async () => {
    control = await createTestControlDb('pglite');
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const app = express();
    app.use(createRequestLogger(logger));
    // A route whose audit event cannot be written: text a caller typed, past the column's size.
    app.get('/audited', async () => {
      const typed = `Jean DUPONT ${'X'.repeat(600)}`;
      await appendAuditEvent(control.db, () => new Date(), {
        action: 'access.denied',
        actor: SYSTEM_ACTOR,
        objectType: 'organisation',
        objectId: typed,
        organisationCode: typed,
      });
    });
    app.use(createApiErrorHandler(logger));
    server = await startApiServer(app, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await control?.close();
  });

  it('answers a failed audit write with a bare 500, logged by request id', async () => {
    const response = await fetch(`${server.url}/audited`);
    const text = await response.text();
    expect(response.status).toBe(500);
    const problem = JSON.parse(text) as { code: string; errors: unknown[]; requestId: string };
    expect(problem).toMatchObject({ code: 'internal', errors: [] });
    for (const leak of ['audit', 'objectId', 'organisationCode', 'DUPONT', 'XXXX']) {
      expect(text).not.toContain(leak);
    }
    const logged = logs.find((line) => line.msg === 'unhandled error');
    expect(logged).toMatchObject({ requestId: problem.requestId, err: { code: 'internal' } });
    expect(JSON.stringify(logs)).not.toContain('DUPONT');
  });
});
