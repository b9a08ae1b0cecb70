import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlContext, cliActor } from './control-context.ts';
import { createOrganisation } from './create-organisation.ts';
import { createPrincipal } from './create-principal.ts';
import { getPrincipal } from './get-principal.ts';
import { listPrincipals } from './list-principals.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

const actor = cliActor('test');
const START = new Date('2026-11-23T10:00:00.000Z');

describe.each(testControlDbKinds())('principals on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    // Each reading is a millisecond later, so creation order is unambiguous.
    let tick = 0;
    ctx = { db: control.db, clock: () => new Date(START.getTime() + tick++) };
    await createOrganisation(ctx, actor, {
      code: 'M01',
      name: 'Member',
      kind: 'member',
      sector: 'services',
    });
    await createOrganisation(ctx, actor, {
      code: 'C01',
      name: 'Client',
      kind: 'client',
      sector: 'energie',
    });
    await createOrganisation(ctx, actor, {
      code: 'B01',
      name: 'Both',
      kind: 'both',
      sector: 'caritatif',
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

  it.each([
    ['operator', null],
    ['compliance', null],
    ['member_admin', 'M01'],
    ['member_user', 'B01'],
    ['client_marketer', 'C01'],
    ['client_marketer', 'B01'],
  ] as const)(
    'creates a %s in %s and records principal.created',
    async (role, organisationCode) => {
      const before = await auditEvents();
      const principal = await createPrincipal(ctx, actor, {
        name: ` Test Only ${role} `,
        role,
        organisationCode,
      });
      expect(principal).toMatchObject({
        name: `Test Only ${role}`,
        role,
        organisationCode,
        disabledAt: null,
      });
      expect(principal.createdAt.getTime()).toBeGreaterThan(START.getTime());
      expect(principal.organisationId === null).toBe(organisationCode === null);
      expect(await getPrincipal(ctx, principal.id)).toEqual(principal);
      const after = await auditEvents();
      expect(after.slice(before.length)).toEqual([
        {
          action: 'principal.created',
          object_type: 'principal',
          object_id: principal.id,
          organisation_code: organisationCode,
          details: { role },
        },
      ]);
      // The name may be a person's: it never reaches the audit chain.
      expect(JSON.stringify(after)).not.toContain('Test Only');
    },
  );

  it.each([
    ['an operator with an organisation', 'operator', 'M01', 'validation_failed'],
    ['a compliance officer with an organisation', 'compliance', 'C01', 'validation_failed'],
    ['a member admin without organisation', 'member_admin', null, 'validation_failed'],
    ['a member user of a client', 'member_user', 'C01', 'validation_failed'],
    ['a client marketer of a member', 'client_marketer', 'M01', 'validation_failed'],
    ['an unknown role', 'superuser', null, 'validation_failed'],
    ['a malformed organisation code', 'member_admin', 'm01', 'validation_failed'],
    ['an unknown organisation', 'member_admin', 'M99', 'not_found'],
  ])('refuses %s and records nothing', async (_label, role, organisationCode, code) => {
    const before = await auditEvents();
    const principalsBefore = await listPrincipals(ctx);
    await expect(
      createPrincipal(ctx, actor, { name: 'x', role: role as never, organisationCode }),
    ).rejects.toMatchObject({ code });
    expect(await auditEvents()).toHaveLength(before.length);
    expect(await listPrincipals(ctx)).toHaveLength(principalsBefore.length);
  });

  it('refuses an empty name', async () => {
    await expect(
      createPrincipal(ctx, actor, { name: '  ', role: 'operator', organisationCode: null }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      fields: [expect.objectContaining({ path: 'name' })],
    });
  });

  it('gets by id (not_found for unknown and malformed ids) and lists by organisation', async () => {
    await expect(getPrincipal(ctx, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(getPrincipal(ctx, 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found' });
    await expect(getPrincipal(ctx, "1'; DROP TABLE principals; --")).rejects.toMatchObject({
      code: 'not_found',
    });

    const all = await listPrincipals(ctx);
    expect(all.map((principal) => principal.role)).toEqual([
      'operator',
      'compliance',
      'member_admin',
      'member_user',
      'client_marketer',
      'client_marketer',
    ]);
    expect((await listPrincipals(ctx, { organisationCode: 'B01' })).map((p) => p.role)).toEqual([
      'member_user',
      'client_marketer',
    ]);
    await expect(listPrincipals(ctx, { organisationCode: 'M99' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
