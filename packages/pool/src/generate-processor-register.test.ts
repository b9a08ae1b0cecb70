import {
  appendAuditEvent,
  type ControlContext,
  cliActor,
  completeDelivery,
  createDelivery,
  createOrganisation,
  createSelection,
  decideSelection,
  listLatestAuditEvents,
  orderSelection,
  recordSelectionCount,
  SYSTEM_ACTOR,
  setInstruction,
  type TActor,
  updateOrganisation,
} from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import {
  describeSecurityMeasures,
  formatRegisterCsv,
  formatRegisterMarkdown,
  type TInstructionBodyInput,
  type TSecurityFacts,
} from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type GenerateProcessorRegisterOptions,
  generateProcessorRegister,
} from './generate-processor-register.ts';

const INSTRUCTION: TInstructionBodyInput = {
  purposes: ['targeting'],
  channels: ['postal', 'email'],
  thirdPartyAllowed: true,
  clientSectorsAllow: null,
  clientSectorsDeny: ['automobile'],
  retentionMonths: 36,
  signedBy: 'Test Only, DPO',
  effectiveFrom: '2026-06-01',
};

const FACTS: TSecurityFacts = {
  databaseUrl: null,
  redisUrl: null,
  pool: null,
  countThreshold: 20,
  seedCount: 3,
  deliveryExpiryDays: 30,
  dropFileRetentionDays: 7,
  memberExportRetentionDays: 30,
};

function options(
  overrides: Partial<GenerateProcessorRegisterOptions> = {},
): GenerateProcessorRegisterOptions {
  return {
    processor: { name: 'Alliage (processor)', address: null, dpoContact: null },
    transfersOutsideEu: null,
    securityMeasures: describeSecurityMeasures(FACTS),
    format: 'json',
    ...overrides,
  };
}

describe.each(testControlDbKinds())('generateProcessorRegister (%s)', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  const operator = cliActor('test-operator');
  const approver = cliActor('test-approver');
  const marketer: TActor = { ...cliActor('test-marketer'), role: 'client_marketer' };

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    // Real time: deliveries are written now and the campaign dates must hold.
    ctx = { db: control.db, clock: () => new Date() };
    await createOrganisation(ctx, operator, {
      code: 'M01',
      name: 'Maison Test',
      kind: 'member',
      sector: 'equipement_maison',
      contractStart: '2026-01-01',
    });
    await createOrganisation(ctx, operator, {
      code: 'M02',
      name: 'Auto Test',
      kind: 'both',
      sector: 'automobile',
    });
    await createOrganisation(ctx, operator, {
      code: 'M03',
      name: 'Gone Test',
      kind: 'member',
      sector: 'services',
    });
    await updateOrganisation(ctx, operator, 'M03', { status: 'offboarded' });
    // M03's offboarding is certified: its data is gone. M04 was set offboarded, but its
    // deletion never completed (a run stopped on a pending drop): its data may be there.
    await appendAuditEvent(ctx.db, ctx.clock, {
      action: 'member.offboarded',
      actor: operator,
      objectType: 'organisation',
      objectId: 'M03',
      organisationCode: 'M03',
      details: { mode: 'delete_only' },
    });
    await createOrganisation(ctx, operator, {
      code: 'M04',
      name: 'Leaving Test',
      kind: 'member',
      sector: 'services',
    });
    await updateOrganisation(ctx, operator, 'M04', { status: 'offboarded' });
    await createOrganisation(ctx, operator, {
      code: 'C01',
      name: 'Client Test',
      kind: 'client',
      sector: 'energie',
    });
    // M01: two versions, the second in force; M02: one version, not yet in force.
    await setInstruction(ctx, operator, 'M01', INSTRUCTION);
    await setInstruction(ctx, operator, 'M01', {
      ...INSTRUCTION,
      purposes: ['targeting', 'study'],
      retentionMonths: 24,
      signedBy: 'Second Signer',
      effectiveFrom: '2026-07-01',
    });
    await setInstruction(ctx, operator, 'M02', { ...INSTRUCTION, effectiveFrom: '2099-01-01' });

    // One completed delivery to C01 (sector energie) that used 20 of M01's persons.
    const selection = await createSelection(ctx, marketer, {
      clientOrgCode: 'C01',
      request: {
        name: 'Register sample',
        channel: 'postal',
        purpose: 'targeting',
        campaignStart: '2026-01-01',
        campaignEnd: '2099-12-31',
        criteria: { geography: { departements: ['69'] } },
      },
    });
    await recordSelectionCount(ctx, marketer, {
      selectionId: selection.id,
      exactTotal: 42,
      shown: { total: 40, byChannel: null, byDepartement: null },
      blurred: false,
    });
    await orderSelection(ctx, marketer, { selectionId: selection.id, quantity: 20, minimum: 20 });
    await decideSelection(ctx, approver, {
      selectionId: selection.id,
      decision: 'approve',
      reason: 'test',
    });
    const delivery = await createDelivery(ctx, {
      selectionId: selection.id,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    await completeDelivery(ctx, SYSTEM_ACTOR, {
      deliveryId: delivery.id,
      fileName: 'alliage-register-test.csv.gpg',
      sizeBytes: 10,
      sha256: 'a'.repeat(64),
      rowCount: 21,
      recipientKeyFingerprint: 'B'.repeat(40),
      signerFingerprint: 'C'.repeat(40),
      seeds: [],
      memberUsage: [{ memberCode: 'M01', personCount: 20 }],
      instructionVersions: { M01: 1 },
    });
  });
  afterAll(async () => {
    await control?.close();
  });

  it('lists every member with its instruction in force, history and recipients by sector', async () => {
    const register = await generateProcessorRegister(ctx, operator, options());
    // Clients are not controllers; members whose offboarding is certified are gone, not
    // those whose data may still be held.
    expect(register.controllers.map((controller) => controller.code)).toEqual([
      'M01',
      'M02',
      'M04',
    ]);
    expect(register.controllers[2]).toMatchObject({ status: 'offboarded' });
    const [m01, m02] = register.controllers;
    expect(m01).toMatchObject({
      name: 'Maison Test',
      sector: 'equipement_maison',
      status: 'active',
      contractStart: '2026-01-01',
      instruction: {
        version: 2,
        effectiveFrom: '2026-07-01',
        signedBy: 'Second Signer',
        purposes: ['targeting', 'study'],
        retentionMonths: 24,
        clientSectorsDeny: ['automobile'],
      },
      retention: { months: 24 },
    });
    expect(m01?.instructionHistory).toEqual([
      { version: 2, effectiveFrom: '2026-07-01', signedBy: 'Second Signer' },
      { version: 1, effectiveFrom: '2026-06-01', signedBy: 'Test Only, DPO' },
    ]);
    expect(m01?.processing.filter((entry) => entry.purpose !== null)).toEqual([
      {
        purpose: 'targeting',
        category: 'Selection of audiences for marketing campaigns (postal, email, SMS, phone)',
      },
      { purpose: 'study', category: 'Statistical studies on aggregated counts' },
    ]);
    expect(m01?.recipients.bySector).toEqual([
      {
        clientSector: 'energie',
        deliveryCount: 1,
        personCount: 20,
        channels: ['postal'],
        purposes: ['targeting'],
        lastDeliveredAt: expect.any(String),
      },
    ]);
    expect(m02).toMatchObject({ code: 'M02', instruction: null, retention: { months: 36 } });
    expect(m02?.instructionHistory).toHaveLength(1);
    expect(m02?.recipients.bySector).toEqual([]);
    // The client's name or code never appears: recipients are sectors.
    const markdown = formatRegisterMarkdown(register);
    expect(markdown).not.toContain('Client Test');
    expect(markdown).not.toContain('C01');
    expect(markdown).not.toContain('Gone Test');
  });

  it('records register.exported with counts only', async () => {
    await generateProcessorRegister(ctx, operator, options({ format: 'csv' }));
    const [event] = await listLatestAuditEvents(ctx, 1);
    expect(event).toMatchObject({
      action: 'register.exported',
      actor: operator.ref,
      objectType: 'register',
      details: {
        format: 'csv',
        controllerCount: 3,
        outsideEu: false,
        measures: { encryption_at_rest: 'unknown', key_only_sftp: 'in_force' },
      },
    });
    expect(JSON.stringify(event?.details)).not.toContain('Maison Test');
  });

  it('follows the configuration: processor, transfers and measures', async () => {
    const at = new Date('2026-12-15T08:00:00Z');
    const before = formatRegisterCsv(
      await generateProcessorRegister(ctx, operator, options({ at })),
    );
    const after = formatRegisterCsv(
      await generateProcessorRegister(
        ctx,
        operator,
        options({
          at,
          processor: { name: 'Alliage SAS', address: null, dpoContact: 'dpo@alliage.invalid' },
          transfersOutsideEu: 'Backups in Switzerland (adequacy decision)',
          securityMeasures: describeSecurityMeasures({
            ...FACTS,
            databaseUrl: 'postgres://db.invalid/alliage',
            pool: {
              encryptionAtRest: false,
              encryptionNote: 'no pool encryption key is configured',
            },
          }),
        }),
      ),
    );
    expect(after).not.toBe(before);
    expect(before).toContain('embedded PGlite database');
    expect(before).toContain('encryption_at_rest=unknown');
    expect(after).toContain('Alliage SAS');
    expect(after).toContain('dpo@alliage.invalid');
    expect(after).toContain('Backups in Switzerland (adequacy decision)');
    expect(after).toContain('PostgreSQL server (DATABASE_URL)');
    expect(after).toContain('encryption_at_rest=not_in_force');
  });

  it('uses the instruction in force at the generation time', async () => {
    const register = await generateProcessorRegister(
      ctx,
      operator,
      options({ at: new Date('2026-06-15T00:00:00Z') }),
    );
    expect(register.controllers[0]?.instruction?.version).toBe(1);
  });
});
