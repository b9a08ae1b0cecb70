import { AppError } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlContext, cliActor } from './control-context.ts';
import { createOrganisation } from './create-organisation.ts';
import { getOrganisation } from './get-organisation.ts';
import { listOrganisations } from './list-organisations.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';
import { updateOrganisation } from './update-organisation.ts';

const actor = cliActor('test');

describe.each(testControlDbKinds())('organisations on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let now = new Date('2026-11-23T10:00:00.000Z');

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => now };
  });
  afterAll(async () => {
    await control?.close();
  });

  const auditEvents = () =>
    control.db
      .selectFrom('audit_events')
      .select([
        'seq',
        'action',
        'actor',
        'object_type',
        'object_id',
        'organisation_code',
        'details',
      ])
      .orderBy('seq')
      .execute();

  it('creates an organisation with defaults and records organisation.created', async () => {
    const before = await auditEvents();
    const created = await createOrganisation(ctx, actor, {
      code: 'M01',
      name: 'Maison Test',
      kind: 'member',
      sector: 'equipement_maison',
    });
    expect(created).toMatchObject({
      code: 'M01',
      name: 'Maison Test',
      kind: 'member',
      sector: 'equipement_maison',
      status: 'active',
      contractStart: null,
      contractEnd: null,
      createdAt: now,
      updatedAt: now,
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await getOrganisation(ctx, 'M01')).toEqual(created);

    const after = await auditEvents();
    expect(after.slice(before.length)).toEqual([
      expect.objectContaining({
        action: 'organisation.created',
        actor: 'cli:test',
        object_type: 'organisation',
        object_id: created.id,
        organisation_code: 'M01',
        details: { kind: 'member', sector: 'equipement_maison', status: 'active' },
      }),
    ]);
  });

  it('refuses a duplicate code with conflict and records nothing', async () => {
    await createOrganisation(ctx, actor, {
      code: 'C01',
      name: 'Client',
      kind: 'client',
      sector: 'energie',
    });
    const before = await auditEvents();
    const error = await createOrganisation(ctx, actor, {
      code: 'C01',
      name: 'Other',
      kind: 'client',
      sector: 'textile',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'conflict', message: 'organisation C01 already exists' });
    expect(await auditEvents()).toHaveLength(before.length);
  });

  it.each([
    ['a member in a client-only sector', { kind: 'member', sector: 'energie' }, 'sector'],
    ['both in a client-only sector', { kind: 'both', sector: 'banque_assurance' }, 'sector'],
    ['an unknown sector', { kind: 'client', sector: 'weapons' }, 'sector'],
    ['an unknown kind', { kind: 'partner', sector: 'services' }, 'kind'],
    ['a lower-case code', { code: 'm09' }, 'code'],
  ])('refuses %s with validation_failed and records nothing', async (_label, patch, field) => {
    const before = await auditEvents();
    const error = await createOrganisation(ctx, actor, {
      code: 'X01',
      name: 'X',
      kind: 'client',
      sector: 'energie',
      ...patch,
    } as never).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'validation_failed' });
    expect((error as AppError).fields.map((issue) => issue.path)).toContain(field);
    expect(await auditEvents()).toHaveLength(before.length);
    await expect(getOrganisation(ctx, 'X01')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('accepts a client in a client-only sector and both in a member sector', async () => {
    await expect(
      createOrganisation(ctx, actor, {
        code: 'C02',
        name: 'Banque',
        kind: 'client',
        sector: 'banque_assurance',
      }),
    ).resolves.toMatchObject({ kind: 'client' });
    await expect(
      createOrganisation(ctx, actor, {
        code: 'B01',
        name: 'Both',
        kind: 'both',
        sector: 'automobile',
      }),
    ).resolves.toMatchObject({ kind: 'both' });
  });

  it('updates changed fields only and records organisation.updated', async () => {
    await createOrganisation(ctx, actor, {
      code: 'M02',
      name: 'Avant',
      kind: 'member',
      sector: 'automobile',
      contractStart: '2026-01-01',
    });
    const before = await auditEvents();
    now = new Date('2026-11-24T08:00:00.000Z');
    const updated = await updateOrganisation(ctx, actor, 'M02', {
      name: 'Après',
      status: 'suspended',
      contractStart: '2026-01-01',
    });
    expect(updated).toMatchObject({
      name: 'Après',
      status: 'suspended',
      contractStart: '2026-01-01',
      updatedAt: now,
    });
    expect(updated.createdAt).not.toEqual(updated.updatedAt);
    const after = await auditEvents();
    expect(after.slice(before.length)).toEqual([
      expect.objectContaining({
        action: 'organisation.updated',
        object_id: updated.id,
        organisation_code: 'M02',
        details: { fields: ['name', 'status'], status: 'suspended' },
      }),
    ]);
    // Nothing to change: no write, no event.
    await expect(updateOrganisation(ctx, actor, 'M02', { status: 'suspended' })).resolves.toEqual(
      updated,
    );
    expect(await auditEvents()).toHaveLength(after.length);
  });

  it('refuses a contract end before the stored start, and unknown fields', async () => {
    const before = await auditEvents();
    await expect(
      updateOrganisation(ctx, actor, 'M02', { contractEnd: '2025-12-31' }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      fields: [{ path: 'contractEnd', message: 'must not be before contractStart' }],
    });
    await expect(
      updateOrganisation(ctx, actor, 'M02', { code: 'M99' } as never),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    expect(await auditEvents()).toHaveLength(before.length);
    expect((await getOrganisation(ctx, 'M02')).contractEnd).toBeNull();
  });

  it('answers not_found for unknown and malformed codes', async () => {
    for (const code of ['Z99', 'not a code', "M01'; --"]) {
      await expect(getOrganisation(ctx, code)).rejects.toMatchObject({ code: 'not_found' });
      await expect(updateOrganisation(ctx, actor, code, { name: 'x' })).rejects.toMatchObject({
        code: 'not_found',
      });
    }
  });

  it('lists by code, filtered by kind and status', async () => {
    expect((await listOrganisations(ctx)).map((org) => org.code)).toEqual([
      'B01',
      'C01',
      'C02',
      'M01',
      'M02',
    ]);
    expect((await listOrganisations(ctx, { kind: 'client' })).map((org) => org.code)).toEqual([
      'C01',
      'C02',
    ]);
    expect((await listOrganisations(ctx, { status: 'suspended' })).map((org) => org.code)).toEqual([
      'M02',
    ]);
    expect(
      (await listOrganisations(ctx, { kind: 'member', status: 'active' })).map((org) => org.code),
    ).toEqual(['M01']);
    await expect(listOrganisations(ctx, { kind: 'partner' as never })).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });
});
