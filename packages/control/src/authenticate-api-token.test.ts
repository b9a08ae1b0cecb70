import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateApiToken } from './authenticate-api-token.ts';
import { type ControlContext, cliActor } from './control-context.ts';
import { createApiToken } from './create-api-token.ts';
import { createOrganisation } from './create-organisation.ts';
import { createPrincipal } from './create-principal.ts';
import { listApiTokens } from './list-api-tokens.ts';
import type { TPrincipal } from './principal.ts';
import { revokeApiToken } from './revoke-api-token.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';
import { updateOrganisation } from './update-organisation.ts';

const actor = cliActor('test');
const DAY_MS = 24 * 60 * 60 * 1000;
const START = new Date('2026-11-23T10:00:00.000Z');

describe.each(testControlDbKinds())('API tokens on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let now = START;
  let marketer: TPrincipal;
  let operator: TPrincipal;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => now };
    await createOrganisation(ctx, actor, {
      code: 'C01',
      name: 'Client',
      kind: 'client',
      sector: 'energie',
    });
    marketer = await createPrincipal(ctx, actor, {
      name: 'marketer',
      role: 'client_marketer',
      organisationCode: 'C01',
    });
    operator = await createPrincipal(ctx, actor, {
      name: 'operator',
      role: 'operator',
      organisationCode: null,
    });
  });
  afterAll(async () => {
    await control?.close();
  });

  const auditEvents = () =>
    control.db
      .selectFrom('audit_events')
      .select(['action', 'object_type', 'object_id', 'organisation_code', 'details'])
      .orderBy('seq')
      .execute();

  it('creates, authenticates, revokes, then refuses a token, with one event per change', async () => {
    now = START;
    const before = await auditEvents();
    const { token, apiToken } = await createApiToken(ctx, actor, {
      principalId: marketer.id,
      name: 'campaign tool',
      expiresInDays: 30,
    });
    expect(token).toMatch(/^alg_[A-Za-z0-9_-]{43}$/);
    expect(apiToken).toEqual({
      id: expect.any(String),
      principalId: marketer.id,
      name: 'campaign tool',
      prefix: token.slice(0, 12),
      createdAt: START,
      expiresAt: new Date(START.getTime() + 30 * DAY_MS),
      revokedAt: null,
      lastUsedAt: null,
    });
    const stored = await control.db
      .selectFrom('api_tokens')
      .select('token_hash')
      .where('id', '=', apiToken.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.token_hash).not.toContain(token.slice(4));

    now = new Date(START.getTime() + DAY_MS);
    const auth = await authenticateApiToken(ctx, token);
    expect(auth).toEqual({
      ok: true,
      tokenId: apiToken.id,
      principal: marketer,
      actor: {
        ref: `principal:${marketer.id}`,
        principalId: marketer.id,
        role: 'client_marketer',
        organisationId: marketer.organisationId,
        organisationCode: 'C01',
      },
    });
    const [listed] = await listApiTokens(ctx, { principalId: marketer.id });
    expect(listed?.lastUsedAt).toEqual(now);

    const revoked = await revokeApiToken(ctx, actor, apiToken.id);
    expect(revoked.revokedAt).toEqual(now);
    expect(await authenticateApiToken(ctx, token)).toEqual({ ok: false, reason: 'revoked' });
    // Revoking again changes nothing and records nothing.
    await expect(revokeApiToken(ctx, actor, apiToken.id)).resolves.toEqual(revoked);

    const events = (await auditEvents()).slice(before.length);
    expect(events).toEqual([
      {
        action: 'token.created',
        object_type: 'api_token',
        object_id: apiToken.id,
        organisation_code: 'C01',
        details: { principalId: marketer.id, expiresInDays: 30 },
      },
      {
        action: 'token.revoked',
        object_type: 'api_token',
        object_id: apiToken.id,
        organisation_code: 'C01',
        details: { principalId: marketer.id },
      },
    ]);
    expect(JSON.stringify(events)).not.toContain(token);
    expect(JSON.stringify(events)).not.toContain(stored.token_hash);
  });

  it('expires a token by the injected clock', async () => {
    now = START;
    const { token } = await createApiToken(ctx, actor, {
      principalId: operator.id,
      expiresInDays: 1,
    });
    now = new Date(START.getTime() + DAY_MS - 1);
    expect((await authenticateApiToken(ctx, token)).ok).toBe(true);
    now = new Date(START.getTime() + DAY_MS);
    expect(await authenticateApiToken(ctx, token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('keeps a token without expiry valid for years', async () => {
    now = START;
    const { token, apiToken } = await createApiToken(ctx, actor, { principalId: operator.id });
    expect(apiToken).toMatchObject({ expiresAt: null, name: null });
    now = new Date(START.getTime() + 20 * 365 * DAY_MS);
    expect(await authenticateApiToken(ctx, token)).toMatchObject({
      ok: true,
      actor: { role: 'operator', organisationCode: null },
    });
  });

  it('refuses unknown tokens without touching anything', async () => {
    for (const token of ['', 'alg_unknown', `alg_${'x'.repeat(43)}`, 'y'.repeat(10_000)]) {
      expect(await authenticateApiToken(ctx, token)).toEqual({ ok: false, reason: 'unknown' });
    }
  });

  it('refuses tokens of a disabled principal or of a suspended organisation', async () => {
    now = START;
    const principal = await createPrincipal(ctx, actor, {
      name: 'to disable',
      role: 'client_marketer',
      organisationCode: 'C01',
    });
    const { token } = await createApiToken(ctx, actor, {
      principalId: principal.id,
      expiresInDays: 10,
    });
    expect((await authenticateApiToken(ctx, token)).ok).toBe(true);

    await updateOrganisation(ctx, actor, 'C01', { status: 'suspended' });
    expect(await authenticateApiToken(ctx, token)).toEqual({ ok: false, reason: 'disabled' });
    await updateOrganisation(ctx, actor, 'C01', { status: 'active' });
    expect((await authenticateApiToken(ctx, token)).ok).toBe(true);

    // No operation disables a principal yet; the column is what authentication reads.
    await control.db
      .updateTable('principals')
      .set({ disabled_at: now })
      .where('id', '=', principal.id)
      .execute();
    expect(await authenticateApiToken(ctx, token)).toEqual({ ok: false, reason: 'disabled' });
    const before = await auditEvents();
    await expect(createApiToken(ctx, actor, { principalId: principal.id })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await auditEvents()).toHaveLength(before.length);
  });

  it.each([
    ['zero days', { expiresInDays: 0 }, 'validation_failed'],
    ['3651 days', { expiresInDays: 3651 }, 'validation_failed'],
    ['a fraction of a day', { expiresInDays: 1.5 }, 'validation_failed'],
    ['an empty name', { name: ' ' }, 'validation_failed'],
    ['a malformed principal id', { principalId: 'nope' }, 'not_found'],
    ['an unknown principal', { principalId: '00000000-0000-4000-8000-000000000000' }, 'not_found'],
  ])('refuses %s and records nothing', async (_label, patch, code) => {
    const before = await auditEvents();
    await expect(
      createApiToken(ctx, actor, { principalId: operator.id, ...patch }),
    ).rejects.toMatchObject({ code });
    expect(await auditEvents()).toHaveLength(before.length);
  });

  it('accepts the longest expiry', async () => {
    now = START;
    const { apiToken } = await createApiToken(ctx, actor, {
      principalId: operator.id,
      expiresInDays: 3650,
    });
    expect(apiToken.expiresAt).toEqual(new Date(START.getTime() + 3650 * DAY_MS));
  });

  it('revokes only known tokens', async () => {
    await expect(revokeApiToken(ctx, actor, 'not-a-uuid')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      revokeApiToken(ctx, actor, '00000000-0000-4000-8000-000000000000'),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('lists tokens by principal or organisation, never their hashes', async () => {
    const all = await listApiTokens(ctx);
    const ofClient = await listApiTokens(ctx, { organisationCode: 'C01' });
    const ofOperator = await listApiTokens(ctx, { principalId: operator.id });
    expect(ofClient.length + ofOperator.length).toBe(all.length);
    expect(ofClient.every((token) => token.principalId !== operator.id)).toBe(true);
    expect(ofOperator.every((token) => token.principalId === operator.id)).toBe(true);
    expect(Object.keys(all[0] ?? {})).not.toContain('tokenHash');
    expect(JSON.stringify(all)).not.toMatch(/[0-9a-f]{64}/);
    await expect(listApiTokens(ctx, { organisationCode: 'Z99' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(listApiTokens(ctx, { principalId: 'x' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
