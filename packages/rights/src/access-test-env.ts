// Test-only set-up of the access-export tests: not exported by the package.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  addOrganisationKey,
  type ControlContext,
  SYSTEM_ACTOR,
  type TActor,
} from '@alliage/control';
import { createTestControlDb, type testControlDbKinds } from '@alliage/control/testing';
import { createGpgHome, type GpgHome } from '@alliage/crypto/testing';
import type { TWarehouse } from '@alliage/warehouse';
import { createTestWarehouse } from '@alliage/warehouse/testing';
import { expect } from 'vitest';
import type { TAccessProfile } from './build-access-profile.ts';
import { createRightsRequest } from './create-rights-request.ts';
import type { TAccessRecipient } from './list-access-recipients.ts';
import type { TRightsDeps } from './rights-deps.ts';
import type { TRightsRequest } from './rights-request.ts';
import {
  createRightsTestParties,
  decryptMemberExport,
  loadTestCustomers,
  RIGHTS_TEST_HMAC_SECRET,
  RIGHTS_TEST_MEMBERS,
} from './rights-test-fixtures.ts';

/** The processor staff member who records the test requests. */
export const RIGHTS_TEST_OPERATOR: TActor = {
  ref: 'principal:operator-test',
  principalId: null,
  role: 'operator',
  organisationId: null,
  organisationCode: null,
};

/** The parts of a decrypted access export the tests read. */
export interface TAccessExportData {
  records: Record<string, unknown>[];
  recipients: TAccessRecipient[];
  profile: TAccessProfile;
}

/** A control plane, a pool, GnuPG and an SFTP root, with both test members holding a key. */
export interface TAccessTestEnv {
  ctx: ControlContext;
  warehouse: TWarehouse;
  gpg: GpgHome;
  sftpRoot: string;
  deps: TRightsDeps;
  /** Loads a full customers (or transactions) file of a member as the next drop. */
  load: (memberCode: string, lines: string[], kind?: 'customers' | 'transactions') => Promise<void>;
  /** Records an access request for the person with `email`; the member's export, decrypted. */
  requestAccess: (
    memberCode: string,
    email: string,
  ) => Promise<{ request: TRightsRequest; data: TAccessExportData }>;
  close: () => Promise<void>;
}

/**
 * Opens the environment of an access-export test on `kind` of control plane, at the
 * time `clock` gives.
 *
 * @example
 * env = await openAccessTestEnv(kind, () => now);
 */
export async function openAccessTestEnv(
  kind: ReturnType<typeof testControlDbKinds>[number],
  clock: () => Date,
): Promise<TAccessTestEnv> {
  const control = await createTestControlDb(kind);
  const ctx: ControlContext = { db: control.db, clock };
  const pool = await createTestWarehouse();
  const gpg = createGpgHome();
  const sftpRoot = mkdtempSync(path.join(os.tmpdir(), 'alliage-access-test-'));
  const dropStore = mkdtempSync(path.join(os.tmpdir(), 'alliage-access-drops-'));
  const { platformKey, memberPublicKey } = await createRightsTestParties(ctx, gpg);
  for (const [code] of RIGHTS_TEST_MEMBERS) {
    await addOrganisationKey(ctx, SYSTEM_ACTOR, {
      organisationCode: code,
      keyType: 'pgp',
      publicKey: memberPublicKey,
    });
  }
  const deps: TRightsDeps = {
    ctx,
    warehouse: pool.warehouse,
    hmacSecret: RIGHTS_TEST_HMAC_SECRET,
    sftpRoot,
    dropStore,
    signingKey: { armoredPrivateKey: platformKey.armoredPrivateKey },
  };
  let drops = 0;
  return {
    ctx,
    warehouse: pool.warehouse,
    gpg,
    sftpRoot,
    deps,
    load: async (memberCode, lines, fileKind = 'customers') => {
      drops += 1;
      const result = await loadTestCustomers({
        warehouse: pool.warehouse,
        ctx,
        dropNumber: drops,
        memberCode,
        lines,
        now: clock(),
        kind: fileKind,
      });
      expect(result.outcome).toBe('loaded');
    },
    requestAccess: async (memberCode, email) => {
      const request = await createRightsRequest(deps, RIGHTS_TEST_OPERATOR, {
        type: 'access',
        identity: { email },
        verification: 'identity card copy seen',
      });
      const item = request.items.find((entry) => entry.memberCode === memberCode);
      expect(item?.status).toBe('forwarded');
      const clear = decryptMemberExport(
        gpg,
        path.join(sftpRoot, memberCode, 'reports', item?.dataFile as string),
      );
      return { request, data: JSON.parse(clear) };
    },
    close: async () => {
      await pool.cleanup();
      await control.close();
      gpg.close();
      for (const directory of [sftpRoot, dropStore]) {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}
