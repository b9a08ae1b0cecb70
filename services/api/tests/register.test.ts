import { testControlDbKinds } from '@alliage/control/testing';
import { describeSecurityMeasures, REGISTER_CSV_COLUMNS } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-test-env.ts';

describe.each(testControlDbKinds())('processor register over HTTP (%s)', (kind) => {
  let api: TestApi;
  let unencrypted: TestApi;

  beforeAll(async () => {
    api = await startTestApi(kind);
    // The same control data, served by a process whose pool is not encrypted and
    // whose configuration names a DPO and a transfer.
    unencrypted = await startTestApi(kind, {
      register: {
        processor: { name: 'Alliage SAS', address: null, dpoContact: 'dpo@alliage.invalid' },
        transfersOutsideEu: 'Support desk in Canada (adequacy decision)',
        securityMeasures: () =>
          describeSecurityMeasures({
            databaseUrl: null,
            redisUrl: 'redis://queue.invalid:6379',
            pool: {
              encryptionAtRest: false,
              encryptionNote: 'no pool encryption key is configured',
            },
            countThreshold: 50,
            seedCount: 3,
            deliveryExpiryDays: 30,
            dropFileRetentionDays: 7,
            memberExportRetentionDays: 30,
          }),
      },
    });
  });
  afterAll(async () => {
    await api?.close();
    await unencrypted?.close();
  });

  it('answers JSON by default with every member and its instruction', async () => {
    const response = await api.call('GET', '/v1/register', { token: api.tokens.compliance });
    expect(response.status, response.text).toBe(200);
    const register = response.json as {
      processor: { name: string; dpoContact: string | null };
      controllers: { code: string; instruction: { version: number } | null }[];
      securityMeasures: { key: string; state: string }[];
    };
    expect(register.processor).toEqual({
      name: 'Alliage (processor)',
      address: null,
      dpoContact: null,
    });
    expect(register.controllers.map((controller) => controller.code)).toEqual(['M01', 'M02']);
    expect(register.controllers[0]?.instruction?.version).toBe(1);
    expect(
      register.securityMeasures.find((measure) => measure.key === 'encryption_at_rest'),
    ).toMatchObject({
      state: 'in_force',
    });
    const [event] = await api.latestEvents(1);
    expect(event).toMatchObject({
      action: 'register.exported',
      actor: `principal:${api.principals.compliance.id}`,
      details: { format: 'json', controllerCount: 2 },
    });
  });

  it('exports Markdown and CSV as attachments', async () => {
    const markdown = await api.call('GET', '/v1/register?format=markdown', {
      token: api.tokens.operator,
    });
    expect(markdown.status).toBe(200);
    expect(markdown.headers.get('content-type')).toContain('text/markdown');
    expect(markdown.headers.get('content-disposition')).toMatch(
      /^attachment; filename="processor-register-\d{4}-\d{2}-\d{2}\.md"$/,
    );
    expect(markdown.text).toContain(
      "## Record sheet: M01 — Maison Test (Fiche de registre de l'activité)",
    );
    const csv = await api.call('GET', '/v1/register?format=csv', { token: api.tokens.operator });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.split('\r\n')[0]).toBe(REGISTER_CSV_COLUMNS.join(','));
    const [event] = await api.latestEvents(1);
    expect(event?.details).toMatchObject({ format: 'csv' });
  });

  it('states what the running configuration has in force', async () => {
    const response = await unencrypted.call('GET', '/v1/register?format=markdown', {
      token: unencrypted.tokens.compliance,
    });
    expect(response.status).toBe(200);
    expect(response.text).toContain('| Name (Nom) | Alliage SAS |');
    expect(response.text).toContain('dpo@alliage.invalid');
    expect(response.text).toContain('Support desk in Canada (adequacy decision)');
    expect(response.text).toContain('BullMQ on Redis');
    expect(response.text).toContain('| NO | the pool database file is NOT encrypted');
    expect(response.text).toContain('&lt;50');
  });

  it('refuses members, clients and unknown formats', async () => {
    const member = await api.call('GET', '/v1/register', { token: api.tokens.m01Admin });
    expect(member.status).toBe(403);
    const badFormat = await api.call('GET', '/v1/register?format=pdf', {
      token: api.tokens.operator,
    });
    expect(badFormat.status).toBe(400);
  });
});
