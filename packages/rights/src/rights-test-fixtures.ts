// Test-only set-up shared by the rights flow tests: not exported by the package.
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import {
  type ControlContext,
  createOrganisation,
  repoussoirFeed,
  SYSTEM_ACTOR,
} from '@alliage/control';
import { generatePgpKeyPair, type TPgpKeyPair } from '@alliage/crypto';
import type { GpgHome } from '@alliage/crypto/testing';
import { DEFAULT_DIALECT_PROFILE } from '@alliage/domain';
import { loadMemberDrop, type TWarehouse } from '@alliage/warehouse';

export const RIGHTS_TEST_HMAC_SECRET = 'test-only-hmac-secret-0123456789abcdef';
export const CUSTOMERS_HEADER =
  'customer_id,civility,first_name,last_name,address_complement,address_building,street,address_locality,postcode,city,country,email,phone_mobile,phone_landline,birth_date,optin_email,optin_sms,optin_phone,created_at';
export const TRANSACTIONS_HEADER = 'customer_id,transaction_id,date,amount_eur,category,channel';
/** The members of the rights tests, with their sectors. */
export const RIGHTS_TEST_MEMBERS = [
  ['M01', 'equipement_maison'],
  ['M02', 'loisirs_voyages'],
  // M01's competitor: same sector (rule 1 in access answers).
  ['M03', 'equipement_maison'],
] as const;

/**
 * Loads a full customers file of a member (or, with `kind: 'transactions'`, a
 * transactions file) into the pool as intake does (normalised, hashed), drop N of the test.
 *
 * @example
 * await loadTestCustomers({ warehouse, ctx, dropNumber: 1, memberCode: 'M01', lines, now });
 */
export function loadTestCustomers(options: {
  warehouse: TWarehouse;
  ctx: ControlContext;
  dropNumber: number;
  memberCode: string;
  lines: readonly string[];
  now: Date;
  suppressed?: readonly string[];
  kind?: 'customers' | 'transactions';
}) {
  const kind = options.kind ?? 'customers';
  const header = kind === 'customers' ? CUSTOMERS_HEADER : TRANSACTIONS_HEADER;
  return loadMemberDrop({
    warehouse: options.warehouse,
    fileDropId: `00000000-0000-4000-8000-${String(options.dropNumber).padStart(12, '0')}`,
    memberCode: options.memberCode,
    kind,
    delta: false,
    dialect: DEFAULT_DIALECT_PROFILE,
    plaintext: Readable.from([Buffer.from(`${[header, ...options.lines].join('\n')}\n`)]),
    verified: Promise.resolve({}),
    maxRejectedRowRatio: 0.5,
    retentionMonths: 36,
    repoussoir: repoussoirFeed(options.ctx),
    hmacSecret: RIGHTS_TEST_HMAC_SECRET,
    readSuppressedCustomerHmacs: async () => [...(options.suppressed ?? [])],
    memberSectors: new Map(RIGHTS_TEST_MEMBERS),
    now: options.now,
    receivedAt: options.now,
  });
}

/**
 * Creates the test members, a platform key the GnuPG home trusts, and one member key
 * (in the GnuPG home, so it decrypts the members' exports).
 *
 * @example
 * const { platformKey, memberPublicKey } = await createRightsTestParties(ctx, gpg);
 */
export async function createRightsTestParties(
  ctx: ControlContext,
  gpg: GpgHome,
): Promise<{ platformKey: TPgpKeyPair; memberPublicKey: string }> {
  const platformKey = await generatePgpKeyPair({
    name: 'Platform (test only)',
    email: 'platform@alliage.invalid',
  });
  gpg.run(['--import'], platformKey.armoredPublicKey);
  const memberFingerprint = gpg.generateKey({
    algorithm: 'ed25519',
    usage: 'sign',
    encryptionSubkey: 'cv25519',
  });
  for (const [code, sector] of RIGHTS_TEST_MEMBERS) {
    await createOrganisation(ctx, SYSTEM_ACTOR, {
      code,
      name: `Member ${code}`,
      kind: 'member',
      sector,
    });
  }
  return { platformKey, memberPublicKey: gpg.exportPublicKey(memberFingerprint) };
}

/**
 * Decrypts a member's encrypted export with the GnuPG home's key, as the member would.
 *
 * @example
 * const data = JSON.parse(decryptMemberExport(gpg, filePath));
 */
export function decryptMemberExport(gpg: GpgHome, filePath: string): string {
  return execFileSync(
    'gpg',
    ['--homedir', gpg.dir, '--batch', '--trust-model', 'always', '--decrypt', filePath],
    // gpg's human messages (key holders, signature notes) stay out of the test output.
    { stdio: ['ignore', 'pipe', 'pipe'] },
  ).toString('utf8');
}
