import {
  type ControlContext,
  cliActor,
  createOrganisation,
  setInstruction,
  updateOrganisation,
} from '@alliage/control';
import { createTestControlDb, type TestControlDb } from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSelectionScope } from './build-selection-scope.ts';

describe('buildSelectionScope', () => {
  const actor = cliActor('test');
  let control: TestControlDb;
  let ctx: ControlContext;
  beforeAll(async () => {
    control = await createTestControlDb('pglite');
    ctx = { db: control.db, clock: () => new Date('2026-12-07T10:00:00Z') };
    for (const code of ['M01', 'M02']) {
      await createOrganisation(ctx, actor, {
        code,
        name: `Member ${code}`,
        kind: 'member',
        sector: 'equipement_maison',
        contractStart: '2025-01-01',
      });
      await setInstruction(ctx, actor, code, {
        purposes: ['targeting'],
        channels: ['postal'],
        thirdPartyAllowed: true,
        clientSectorsAllow: null,
        clientSectorsDeny: [],
        retentionMonths: 36,
        signedBy: 'Test Only, DPO',
        effectiveFrom: '2025-01-01',
      });
    }
    await createOrganisation(ctx, actor, {
      code: 'C01',
      name: 'Client C01',
      kind: 'client',
      sector: 'energie',
    });
  });
  afterAll(async () => {
    await control?.close();
  });

  it('leaves out a member whose contract ended, from the day after its last day', async () => {
    await updateOrganisation(ctx, actor, 'M02', { contractEnd: '2026-12-06' });
    const selection = { clientOrgCode: 'C01', channel: 'postal', purpose: 'targeting' } as const;
    const built = await buildSelectionScope(ctx, selection, new Date('2026-12-07T10:00:00Z'));
    expect(built.scope.permittingMembers.postal.map((member) => member.memberCode)).toEqual([
      'M01',
    ]);
    expect(built.refusals).toEqual({ M02: 'contract_ended' });
    // On its last day it still runs.
    const lastDay = await buildSelectionScope(ctx, selection, new Date('2026-12-06T20:00:00Z'));
    expect(lastDay.scope.permittingMembers.postal.map((member) => member.memberCode)).toEqual([
      'M01',
      'M02',
    ]);
  });
});
