import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  addOrganisationKey,
  type ControlContext,
  cliActor,
  createOrganisation,
  type TFileDrop,
} from '@alliage/control';
import { createTestControlDb, type TestControlDb } from '@alliage/control/testing';
import { generatePgpKeyPair, type TPgpKeyPair } from '@alliage/crypto';
import { createGpgHome, type GpgHome } from '@alliage/crypto/testing';
import { createTestWarehouse } from '@alliage/warehouse/testing';
import type { IntakeDeps } from '../process-file-drop.ts';
import { registerGpgDrop } from './register-gpg-drop.ts';

/** A control plane, a pool, GnuPG and member M01 with a signing key, for intake tests. */
export interface TIntakeTestEnv {
  control: TestControlDb;
  ctx: ControlContext;
  gpg: GpgHome;
  platform: TPgpKeyPair;
  /** M01's key in `gpg` (signs; its encryption subkey receives exports). */
  memberFingerprint: string;
  pool: Awaited<ReturnType<typeof createTestWarehouse>>;
  deps: IntakeDeps;
  /** Encrypts `clear` with gpg as M01 would (signed by its key unless `signer` is null) and registers the drop. */
  drop(
    fileName: string,
    clear: string,
    signer?: string | null,
  ): Promise<{ registered: TFileDrop; target: string }>;
  cleanup(): Promise<void>;
}

/**
 * Sets up intake against real components: a control plane of `kind`, a pool, a GnuPG
 * home holding the platform's public key and member M01's key pair (registered for M01).
 * The clock is real time: gpg stamps its keys with the machine clock.
 *
 * @example
 * const env = await createIntakeTestEnv('pglite', 'alliage-optouts-'); await env.cleanup();
 */
export async function createIntakeTestEnv(
  kind: Parameters<typeof createTestControlDb>[0],
  tempPrefix: string,
  hmacSecret = 'test-only-hmac-secret-0123456789abcdef',
): Promise<TIntakeTestEnv> {
  const control = await createTestControlDb(kind);
  const ctx: ControlContext = { db: control.db, clock: () => new Date() };
  const root = mkdtempSync(path.join(os.tmpdir(), tempPrefix));
  const gpg = createGpgHome();
  const platform = await generatePgpKeyPair({
    name: 'Platform (test only)',
    email: 'platform@example.invalid',
  });
  gpg.run(['--import'], platform.armoredPublicKey);
  const memberFingerprint = gpg.generateKey({
    algorithm: 'ed25519',
    usage: 'sign',
    encryptionSubkey: 'cv25519',
  });
  const actor = cliActor('test');
  await createOrganisation(ctx, actor, {
    code: 'M01',
    name: 'Member M01',
    kind: 'member',
    sector: 'automobile',
  });
  await addOrganisationKey(ctx, actor, {
    organisationCode: 'M01',
    keyType: 'pgp',
    publicKey: gpg.exportPublicKey(memberFingerprint),
  });
  const pool = await createTestWarehouse();
  const deps: IntakeDeps = {
    ctx,
    decryptionKeys: [{ armoredPrivateKey: platform.armoredPrivateKey }],
    sftpRoot: path.join(root, 'sftp'),
    dropStore: path.join(root, 'drops'),
    maxPlaintextBytes: 10 * 1024 * 1024,
    maxRejectedRowRatio: 0.05,
    warehouse: pool.warehouse,
    hmacSecret,
  };
  return {
    control,
    ctx,
    gpg,
    platform,
    memberFingerprint,
    pool,
    deps,
    drop: (fileName, clear, signer = memberFingerprint) =>
      registerGpgDrop({
        ctx,
        gpg,
        sftpRoot: deps.sftpRoot,
        member: 'M01',
        fileName,
        clear,
        recipient: platform.fingerprint,
        signer,
      }),
    async cleanup() {
      await pool.cleanup();
      gpg.close();
      rmSync(root, { recursive: true, force: true });
      await control.close();
    },
  };
}
