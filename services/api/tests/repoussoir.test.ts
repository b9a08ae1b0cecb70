import { listActiveRepoussoirHashes } from '@alliage/control';
import { testControlDbKinds } from '@alliage/control/testing';
import { hmacSha256Hex } from '@alliage/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, TEST_HMAC_SECRET, type TestApi } from './api-test-env.ts';
import { expectObservedAnswersDeclared } from './declared-statuses.ts';

const hashOf = (key: string) => hmacSha256Hex(TEST_HMAC_SECRET, key);

describe.each(testControlDbKinds())('repoussoir over HTTP (%s)', (kind) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(kind);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('adds a contact point as its keyed hash, idempotently, and audits it', async () => {
    const added = await api.call('POST', '/v1/repoussoir', {
      token: api.tokens.operator,
      body: {
        kind: 'phone',
        value: '+33 6 12 34 56 78',
        source: 'subject_request',
        sourceReference: 'DSAR-0001',
      },
    });
    expect(added.status, added.text).toBe(200);
    expect(added.json).toMatchObject({
      kind: 'phone',
      scope: 'all',
      source: 'subject_request',
      sourceReference: 'DSAR-0001',
      createdBy: `principal:${api.principals.operator.id}`,
      alreadyPresent: false,
    });
    expect(added.text).not.toContain('612345678');
    expect(added.json).not.toHaveProperty('hmac');
    expect(await listActiveRepoussoirHashes(api.ctx)).toContainEqual({
      kind: 'phone',
      hmac: hashOf('+33612345678'),
      scope: 'all',
    });
    const [event] = await api.latestEvents(1);
    expect(event).toMatchObject({
      action: 'repoussoir.changed',
      actor: `principal:${api.principals.operator.id}`,
      details: { operation: 'add', added: 1, kinds: { phone: 1 }, source: 'subject_request' },
    });
    expect(JSON.stringify(event)).not.toContain('612345678');

    // Another spelling of the same number hits the same entry.
    const again = await api.call('POST', '/v1/repoussoir', {
      token: api.tokens.compliance,
      body: {
        kind: 'phone',
        value: '06.12.34.56.78',
        source: 'subject_request',
        sourceReference: 'DSAR-0001',
      },
    });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({
      id: (added.json as { id: string }).id,
      alreadyPresent: true,
    });
  });

  it('refuses a value it cannot normalise, naming the field but not the value', async () => {
    const response = await api.call('POST', '/v1/repoussoir', {
      token: api.tokens.operator,
      body: { kind: 'email', value: 'secret.person@' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.json).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'body.value', message: 'not a valid email address' }],
    });
    expect(response.text).not.toContain('secret.person');
  });

  it('imports a batch in one event and refuses a batch with a bad line, adding nothing', async () => {
    const imported = await api.call('POST', '/v1/repoussoir/import', {
      token: api.tokens.operator,
      body: {
        entries: [
          { kind: 'email', value: ' Jean.Test@Example.INVALID ' },
          { kind: 'postal', value: 'de la Fontaine|Jean|75016|12 AV VICTOR HUGO' },
          { kind: 'postal', value: 'DELAFONTAINE|Jean|75016|12 avenue Victor-Hugo' },
          { kind: 'phone', value: '06 12 34 56 78' },
        ],
        scope: 'all',
        source: 'member_optout',
        sourceReference: 'M01 opt-outs 2026-11',
      },
    });
    expect(imported.status, imported.text).toBe(200);
    // The phone is in force from a subject's request: the member's list gets its own entry
    // (another provenance); the second spelling of the postal identity is the same entry.
    expect(imported.json).toEqual({ added: 3, alreadyPresent: 1 });
    const hashes = await listActiveRepoussoirHashes(api.ctx);
    expect(hashes).toContainEqual({
      kind: 'postal',
      hmac: hashOf('DELAFONTAINE|JEAN|75016|12 AVENUE VICTOR HUGO'),
      scope: 'all',
    });
    expect(hashes).toContainEqual({
      kind: 'email',
      hmac: hashOf('jean.test@example.invalid'),
      scope: 'all',
    });
    const [event] = await api.latestEvents(1);
    expect(event).toMatchObject({
      action: 'repoussoir.changed',
      details: {
        operation: 'import',
        added: 3,
        alreadyPresent: 1,
        kinds: { email: 1, phone: 1, postal: 2 },
        scopes: ['all'],
        source: 'member_optout',
      },
    });

    const seqBefore = (await api.latestEvents(1))[0]?.seq;
    const refused = await api.call('POST', '/v1/repoussoir/import', {
      token: api.tokens.operator,
      body: {
        entries: [
          { kind: 'email', value: 'fresh.one@example.invalid' },
          { kind: 'phone', value: '0612' },
          { kind: 'postal', value: 'Secretname|Jean|75016' },
        ],
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      errors: [
        { path: 'body.entries.1.value', message: 'not a valid phone number' },
        { path: 'body.entries.2.value' },
      ],
    });
    expect(refused.text).not.toMatch(/Secretname|0612|fresh\.one/);
    expect(await listActiveRepoussoirHashes(api.ctx)).not.toContainEqual(
      expect.objectContaining({ hmac: hashOf('fresh.one@example.invalid') }),
    );
    expect((await api.latestEvents(1))[0]?.seq).toBe(seqBefore);
  });

  it('refuses an entry holding a control character, naming the entry and the code point, adding nothing', async () => {
    const seqBefore = (await api.latestEvents(1))[0]?.seq;
    const optouts = await api.call('POST', '/v1/members/M01/optouts', {
      token: api.tokens.m01Admin,
      body: {
        entries: [
          { kind: 'email', value: 'clean.optout@example.test' },
          // As a file's field would be: the postal key folds the NUL away, so it was taken.
          { kind: 'postal', value: 'Secret\u0000name|Jean|75016|12 av Victor Hugo' },
          { kind: 'phone', value: '06 12 34 56 78\u0085' },
        ],
      },
    });
    expect(optouts.status, optouts.text).toBe(400);
    expect(optouts.headers.get('content-type')).toContain('application/problem+json');
    expect(optouts.json).toMatchObject({
      code: 'validation_failed',
      errors: [
        { path: 'body.entries.1.value', message: 'control character U+0000 in the field' },
        { path: 'body.entries.2.value', message: 'control character U+0085 in the field' },
      ],
    });
    expect(optouts.text).not.toMatch(/Secret|Jean|Victor|56 78|clean\.optout/);
    const operatorAdd = await api.call('POST', '/v1/repoussoir', {
      token: api.tokens.operator,
      body: { kind: 'postal', value: 'Secretname|Jean|75016|12 av Victor\u007f Hugo' },
    });
    expect(operatorAdd.status, operatorAdd.text).toBe(400);
    expect(operatorAdd.json).toMatchObject({
      errors: [{ path: 'body.value', message: 'control character U+007F in the field' }],
    });
    expect(await listActiveRepoussoirHashes(api.ctx)).not.toContainEqual(
      expect.objectContaining({ hmac: hashOf('clean.optout@example.test') }),
    );
    expect((await api.latestEvents(1))[0]?.seq).toBe(seqBefore);
  });

  it('takes 10,000 entries in one request (beyond the default body limit), not one more', async () => {
    const entries = Array.from({ length: 10_000 }, (_, index) => ({
      kind: 'email',
      value: `bulk.${index}@example.invalid`,
    }));
    const imported = await api.call('POST', '/v1/repoussoir/import', {
      token: api.tokens.operator,
      body: { entries, scope: 'email', source: 'national_list' },
    });
    expect(imported.status, imported.text.slice(0, 500)).toBe(200);
    expect(imported.json).toEqual({ added: 10_000, alreadyPresent: 0 });
    const tooMany = await api.call('POST', '/v1/repoussoir/import', {
      token: api.tokens.operator,
      body: { entries: [...entries, { kind: 'email', value: 'one.more@example.invalid' }] },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json).toMatchObject({ errors: [{ path: 'body.entries' }] });
  });

  it('refuses client and member tokens with 403 and adds nothing', async () => {
    for (const caller of ['c01Marketer', 'm01Admin'] as const) {
      const response = await api.call('POST', '/v1/repoussoir', {
        token: api.tokens[caller],
        body: { kind: 'email', value: 'refused.caller@example.invalid' },
      });
      expect(response.status).toBe(403);
      expect((await api.latestEvents(1))[0]).toMatchObject({
        action: 'access.denied',
        details: { reason: 'role', route: '/v1/repoussoir' },
      });
    }
    expect(await listActiveRepoussoirHashes(api.ctx)).not.toContainEqual(
      expect.objectContaining({ hmac: hashOf('refused.caller@example.invalid') }),
    );
  });

  it('takes limit only in plain decimal digits, naming query.limit otherwise', async () => {
    for (const limit of ['0x10', '1e2', '%205', '1.0', '+5', '0', '1001', '1&limit=2']) {
      const response = await api.call('GET', `/v1/repoussoir/entries?limit=${limit}`, {
        token: api.tokens.compliance,
      });
      expect(response.status, limit).toBe(400);
      const problem = response.json as { code: string; errors: { path: string }[] };
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors.map((error) => error.path)).toEqual(['query.limit']);
    }
    const one = await api.call('GET', '/v1/repoussoir/entries?limit=1', {
      token: api.tokens.compliance,
    });
    expect(one.status).toBe(200);
    expect((one.json as unknown[]).length).toBe(1);
  });

  it('lists entries without values, withdraws them by decision, counts them, takes member opt-outs', async () => {
    const optouts = await api.call('POST', '/v1/members/M01/optouts', {
      token: api.tokens.m01Admin,
      body: {
        entries: [{ kind: 'email', value: 'Optout.Lifecycle@Example.test' }],
        scope: 'email',
      },
    });
    expect(optouts.status, optouts.text).toBe(200);
    expect(optouts.json).toEqual({ added: 1, alreadyPresent: 0 });
    // The import is audited as the member's, so the member can read it among its own events.
    expect((await api.latestEvents(1))[0]).toMatchObject({
      action: 'repoussoir.changed',
      organisationCode: 'M01',
      details: { source: 'member_optout', added: 1 },
    });
    const other = await api.call('POST', '/v1/members/M02/optouts', {
      token: api.tokens.m01Admin,
      body: { entries: [{ kind: 'email', value: 'x@example.test' }] },
    });
    expect(other.status).toBe(404);

    const listed = await api.call('GET', '/v1/repoussoir/entries?source=member_optout', {
      token: api.tokens.compliance,
    });
    expect(listed.status).toBe(200);
    const [entry] = listed.json as { id: string; sourceReference: string; scope: string }[];
    expect(entry).toMatchObject({
      source: 'member_optout',
      sourceReference: 'M01',
      scope: 'email',
    });
    expect(listed.text).not.toContain('optout.lifecycle');
    expect(listed.text).not.toContain(hashOf('optout.lifecycle@example.test'));

    // Withdrawal: compliance only, with a reason, once.
    const byOperator = await api.call('POST', `/v1/repoussoir/entries/${entry?.id}/withdraw`, {
      token: api.tokens.operator,
      body: { reason: 'letter of withdrawal' },
    });
    expect(byOperator.status).toBe(403);
    const withdrawn = await api.call('POST', `/v1/repoussoir/entries/${entry?.id}/withdraw`, {
      token: api.tokens.compliance,
      body: { reason: 'letter of withdrawal' },
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.json).toMatchObject({ withdrawalReason: 'letter of withdrawal' });
    expect(await listActiveRepoussoirHashes(api.ctx)).not.toContainEqual(
      expect.objectContaining({ hmac: hashOf('optout.lifecycle@example.test') }),
    );
    const again = await api.call('POST', `/v1/repoussoir/entries/${entry?.id}/withdraw`, {
      token: api.tokens.compliance,
      body: { reason: 'twice' },
    });
    expect(again.status).toBe(409);
    expect((await api.latestEvents(2)).map((event) => event.action)).toContain(
      'repoussoir.changed',
    );

    const stats = await api.call('GET', '/v1/repoussoir/stats', { token: api.tokens.compliance });
    expect(stats.status).toBe(200);
    expect((stats.json as { bySourceAndScope: unknown[] }).bySourceAndScope).toContainEqual({
      source: 'member_optout',
      scope: 'email',
      kind: 'email',
      active: 0,
      withdrawn: 1,
    });
  });

  it('declares in the OpenAPI document every status it answered', async () => {
    await expectObservedAnswersDeclared(api);
  });
});
