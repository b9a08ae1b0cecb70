import type { TInstructionBodyInput } from '@alliage/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlContext, cliActor } from './control-context.ts';
import { createOrganisation } from './create-organisation.ts';
import { getInstruction } from './get-instruction.ts';
import { getInstructionInForce } from './get-instruction-in-force.ts';
import { listInstructionVersions } from './list-instruction-versions.ts';
import { setInstruction } from './set-instruction.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

const actor = cliActor('test');
const NOW = new Date('2026-11-23T10:00:00.000Z');

const body = (patch: Partial<TInstructionBodyInput> = {}): TInstructionBodyInput => ({
  purposes: ['targeting', 'study'],
  channels: ['postal', 'email'],
  thirdPartyAllowed: true,
  clientSectorsAllow: null,
  clientSectorsDeny: ['services'],
  signedBy: 'Test Only, DPO',
  effectiveFrom: '2026-12-01',
  ...patch,
});

describe.each(testControlDbKinds())('instructions on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => NOW };
    for (const [code, orgKind] of [
      ['M01', 'member'],
      ['M02', 'member'],
      ['B01', 'both'],
    ] as const) {
      await createOrganisation(ctx, actor, { code, name: code, kind: orgKind, sector: 'services' });
    }
    await createOrganisation(ctx, actor, {
      code: 'C01',
      name: 'Client',
      kind: 'client',
      sector: 'energie',
    });
  });
  afterAll(async () => {
    await control?.close();
  });

  const auditEvents = () =>
    control.db
      .selectFrom('audit_events')
      .select([
        'action',
        'actor',
        'object_type',
        'object_id',
        'organisation_code',
        'instruction_version',
        'details',
      ])
      .orderBy('seq')
      .execute();

  it('records versions 1, 2, 3 with one instruction.changed each', async () => {
    const before = await auditEvents();
    expect(await getInstruction(ctx, 'M01')).toBeNull();
    const v1 = await setInstruction(ctx, actor, 'M01', body({ effectiveFrom: '2026-01-01' }));
    expect(v1).toEqual({
      memberCode: 'M01',
      version: 1,
      body: { ...body({ effectiveFrom: '2026-01-01' }), retentionMonths: 36 },
      signedBy: 'Test Only, DPO',
      effectiveFrom: '2026-01-01',
      createdAt: NOW,
      createdBy: 'cli:test',
    });
    const v2 = await setInstruction(
      ctx,
      actor,
      'M01',
      body({ effectiveFrom: '2026-12-01', retentionMonths: 24 }),
    );
    const v3 = await setInstruction(
      ctx,
      actor,
      'M01',
      body({ effectiveFrom: '2027-03-01', channels: ['postal'] }),
    );
    expect([v2.version, v3.version]).toEqual([2, 3]);

    const events = (await auditEvents()).slice(before.length);
    expect(events).toEqual(
      [
        [1, null, '2026-01-01'],
        [2, 1, '2026-12-01'],
        [3, 2, '2027-03-01'],
      ].map(([version, previousVersion, effectiveFrom]) => ({
        action: 'instruction.changed',
        actor: 'cli:test',
        object_type: 'instruction',
        object_id: 'M01',
        organisation_code: 'M01',
        instruction_version: version,
        details: { previousVersion, effectiveFrom },
      })),
    );
    // signedBy names a person: it stays out of the chain.
    expect(JSON.stringify(events)).not.toContain('Test Only');

    expect(await getInstruction(ctx, 'M01')).toEqual(v3);
    expect(await listInstructionVersions(ctx, 'M01')).toEqual([v3, v2, v1]);
  });

  it('finds the version in force by effective date', async () => {
    const at = async (iso: string) =>
      (await getInstructionInForce(ctx, 'M01', new Date(iso)))?.version ?? null;
    expect(await at('2025-12-31T23:59:59.999Z')).toBeNull();
    expect(await at('2026-01-01T00:00:00.000Z')).toBe(1);
    expect(await at('2026-11-30T23:59:59.999Z')).toBe(1);
    expect(await at('2026-12-01T00:00:00.000Z')).toBe(2);
    expect(await at('2027-02-28T12:00:00.000Z')).toBe(2);
    expect(await at('2027-03-01T00:00:00.000Z')).toBe(3);
    expect(await at('2030-01-01T00:00:00.000Z')).toBe(3);
    await expect(getInstructionInForce(ctx, 'M01', new Date('nope'))).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('prefers the newest version among those already effective', async () => {
    // v2 of M02 is backdated before v1's date: once both apply, the newer version wins.
    await setInstruction(ctx, actor, 'M02', body({ effectiveFrom: '2026-06-01' }));
    await setInstruction(ctx, actor, 'M02', body({ effectiveFrom: '2026-03-01' }));
    expect(
      (await getInstructionInForce(ctx, 'M02', new Date('2026-04-01T00:00:00Z')))?.version,
    ).toBe(2);
    expect(
      (await getInstructionInForce(ctx, 'M02', new Date('2026-07-01T00:00:00Z')))?.version,
    ).toBe(2);
  });

  it('refuses to update or delete a recorded version', async () => {
    await expect(
      sql`UPDATE instructions SET signed_by = 'someone else' WHERE version = 1`.execute(control.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM instructions`.execute(control.db)).rejects.toThrow(/append-only/);
    expect((await listInstructionVersions(ctx, 'M01')).map((v) => v.signedBy)).toEqual([
      'Test Only, DPO',
      'Test Only, DPO',
      'Test Only, DPO',
    ]);
  });

  it('gives distinct consecutive versions to concurrent changes', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        setInstruction(ctx, actor, 'B01', body({ signedBy: `Test Only ${index}` })),
      ),
    );
    expect(results.map((result) => result.version).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    const events = (await auditEvents()).filter(
      (event) => event.action === 'instruction.changed' && event.organisation_code === 'B01',
    );
    expect(events.map((event) => event.instruction_version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it.each([
    ['retention above 36 months', { retentionMonths: 37 }, 'retentionMonths'],
    ['an unknown purpose', { purposes: ['resale'] }, 'purposes.0'],
    ['no channel', { channels: [] }, 'channels'],
    ['an unknown sector', { clientSectorsDeny: ['weapons'] }, 'clientSectorsDeny.0'],
    ['an invalid date', { effectiveFrom: '2026-02-30' }, 'effectiveFrom'],
    ['an unknown field', { resell: true }, '(root)'],
  ])('refuses %s with validation_failed and records nothing', async (_label, patch, field) => {
    const before = await auditEvents();
    const error = await setInstruction(ctx, actor, 'M01', body(patch as never)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'validation_failed' });
    expect((error as { fields: { path: string }[] }).fields.map((issue) => issue.path)).toContain(
      field,
    );
    expect(await auditEvents()).toHaveLength(before.length);
    expect((await getInstruction(ctx, 'M01'))?.version).toBe(3);
  });

  it('answers not_found for clients, unknown and malformed codes, and records nothing', async () => {
    const before = await auditEvents();
    for (const code of ['C01', 'Z99', 'm01']) {
      await expect(setInstruction(ctx, actor, code, body())).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(getInstruction(ctx, code)).rejects.toMatchObject({ code: 'not_found' });
      await expect(getInstructionInForce(ctx, code, NOW)).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(listInstructionVersions(ctx, code)).rejects.toMatchObject({ code: 'not_found' });
    }
    expect(await auditEvents()).toHaveLength(before.length);
  });
});
