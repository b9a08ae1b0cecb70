import {
  addOrganisationKey,
  type ControlContext,
  cliActor,
  createOrganisation,
  updateOrganisation,
} from '@alliage/control';
import { createTestControlDb, type TestControlDb } from '@alliage/control/testing';
import { generateSshHostKey, sshPublicKeyFromPrivate } from '@alliage/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupSftpAccount } from './create-drop-zone.ts';

describe('lookupSftpAccount', () => {
  const actor = cliActor('test');
  let control: TestControlDb;
  let ctx: ControlContext;
  beforeAll(async () => {
    control = await createTestControlDb('pglite');
    ctx = { db: control.db, clock: () => new Date() };
    for (const [code, kind] of [
      ['M01', 'member'],
      ['C01', 'client'],
    ] as const) {
      await createOrganisation(ctx, actor, {
        code,
        name: `Organisation ${code}`,
        kind,
        sector: 'automobile',
      });
      await addOrganisationKey(ctx, actor, {
        organisationCode: code,
        keyType: 'ssh',
        // TEST-ONLY key.
        publicKey: sshPublicKeyFromPrivate(generateSshHostKey()),
      });
    }
  });
  afterAll(async () => {
    await control?.close();
  });

  it('lets an offboarded member fetch its reports only, and no suspended organisation in', async () => {
    expect(await lookupSftpAccount(ctx, 'M01')).toMatchObject({ kind: 'member' });
    expect((await lookupSftpAccount(ctx, 'M01'))?.areas).toBeUndefined();
    await updateOrganisation(ctx, actor, 'M01', { status: 'offboarded' });
    expect(await lookupSftpAccount(ctx, 'M01')).toMatchObject({
      organisationCode: 'M01',
      areas: ['reports'],
      publicKeys: [expect.stringMatching(/^ssh-/)],
    });
    await updateOrganisation(ctx, actor, 'C01', { status: 'offboarded' });
    expect(await lookupSftpAccount(ctx, 'C01')).toBeNull();
    await updateOrganisation(ctx, actor, 'M01', { status: 'suspended' });
    expect(await lookupSftpAccount(ctx, 'M01')).toBeNull();
    expect(await lookupSftpAccount(ctx, 'NOPE')).toBeNull();
  });
});
