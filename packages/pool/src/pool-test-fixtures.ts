// Test-only set-up shared by the pool build tests: not exported by the package.
import { Readable } from 'node:stream';
import {
  type ControlContext,
  cliActor,
  createOrganisation,
  repoussoirFeed,
  setInstruction,
} from '@alliage/control';
import { createTestControlDb, type TestControlDb } from '@alliage/control/testing';
import { DEFAULT_DIALECT_PROFILE } from '@alliage/domain';
import { loadMemberDrop, type TWarehouse } from '@alliage/warehouse';
import { createTestWarehouse } from '@alliage/warehouse/testing';

export const POOL_TEST_HMAC_SECRET = 'test-only-hmac-secret-0123456789abcdef';
const HEADER =
  'customer_id,civility,first_name,last_name,address_complement,address_building,street,address_locality,postcode,city,country,email,phone_mobile,phone_landline,birth_date,optin_email,optin_sms,optin_phone,created_at';

export const CUSTOMER_C2 =
  'C2,MME,Anne,MOREAU,,,5 rue de la Paix,,69003,LYON,FR,,,,1980-01-01,1,0,0,2026-03-01';

/**
 * A control plane of `kind` and a pool holding member M01 (sector `automobile`, which
 * keeps its customers 24 months only) with two customers (drop 1): C1 (DUPONT),
 * collected on 2025-06-10, and C2, collected on 2026-03-01.
 *
 * @example
 * const { control, ctx, pool } = await openRetentionTestPool(kind, () => now);
 */
export async function openRetentionTestPool(
  kind: Parameters<typeof createTestControlDb>[0],
  clock: () => Date,
): Promise<{
  control: TestControlDb;
  ctx: ControlContext;
  pool: Awaited<ReturnType<typeof createTestWarehouse>>;
}> {
  const control = await createTestControlDb(kind);
  const ctx: ControlContext = { db: control.db, clock };
  const pool = await createTestWarehouse();
  await createRetentionTestMember(ctx);
  const loaded = await loadTestCustomers({
    warehouse: pool.warehouse,
    ctx,
    dropNumber: 1,
    delta: false,
    lines: [
      'C1,M,Jean,DUPONT,,,12 avenue Victor Hugo,,75016,PARIS,FR,,,,1970-03-12,1,1,0,2025-06-10',
      CUSTOMER_C2,
    ],
    now: clock(),
  });
  if (loaded.outcome !== 'loaded') throw new Error('the test customers did not load');
  return { control, ctx, pool };
}

async function createRetentionTestMember(ctx: ControlContext): Promise<void> {
  const actor = cliActor('test');
  await createOrganisation(ctx, actor, {
    code: 'M01',
    name: 'Member',
    kind: 'member',
    sector: 'automobile',
  });
  await setInstruction(ctx, actor, 'M01', {
    purposes: ['targeting'],
    channels: ['postal'],
    thirdPartyAllowed: false,
    clientSectorsAllow: null,
    clientSectorsDeny: [],
    retentionMonths: 24,
    signedBy: 'Test Only, DPO',
    effectiveFrom: '2026-01-01',
  });
}

/**
 * Loads customers lines of M01 into the pool as intake does, drop N of the test.
 *
 * @example
 * await loadTestCustomers({ warehouse, ctx, dropNumber: 1, delta: false, lines, now });
 */
export function loadTestCustomers(options: {
  warehouse: TWarehouse;
  ctx: ControlContext;
  dropNumber: number;
  delta: boolean;
  lines: readonly string[];
  now: Date;
}) {
  return loadMemberDrop({
    warehouse: options.warehouse,
    fileDropId: `00000000-0000-4000-8000-${String(options.dropNumber).padStart(12, '0')}`,
    memberCode: 'M01',
    kind: 'customers',
    delta: options.delta,
    dialect: DEFAULT_DIALECT_PROFILE,
    plaintext: Readable.from([Buffer.from(`${[HEADER, ...options.lines].join('\n')}\n`)]),
    verified: Promise.resolve({}),
    maxRejectedRowRatio: 0.05,
    retentionMonths: 24,
    memberSectors: new Map([['M01', 'automobile']]),
    repoussoir: repoussoirFeed(options.ctx),
    hmacSecret: POOL_TEST_HMAC_SECRET,
    now: options.now,
    receivedAt: options.now,
  });
}

/**
 * The customer IDs of the pool's records, sorted.
 *
 * @example
 * expect(await readPoolCustomers(warehouse)).toEqual(['C1']);
 */
export async function readPoolCustomers(warehouse: TWarehouse): Promise<string[]> {
  const connection = await warehouse.connect();
  try {
    const rows = await connection.runAndReadAll(
      'SELECT customer_id FROM member_records ORDER BY 1',
    );
    return rows.getRowsJS().map((row) => String(row[0]));
  } finally {
    connection.closeSync();
  }
}

const TRANSACTION_HEADER = 'customer_id,transaction_id,date,amount_eur,category,channel';

/**
 * Loads a full file of one member (all in sector `automobile`) into the pool as intake
 * does, with a fresh drop ID; fails the test unless it loaded.
 *
 * @example
 * await loadTestMemberFile({ warehouse, ctx, memberCode: 'M01', kind: 'customers', lines, members: ['M01', 'M02'], now });
 */
export async function loadTestMemberFile(options: {
  warehouse: TWarehouse;
  ctx: ControlContext;
  memberCode: string;
  kind: 'customers' | 'transactions';
  lines: readonly string[];
  members: readonly string[];
  now: Date;
}): Promise<void> {
  const header = options.kind === 'customers' ? HEADER : TRANSACTION_HEADER;
  const result = await loadMemberDrop({
    warehouse: options.warehouse,
    fileDropId: crypto.randomUUID(),
    memberCode: options.memberCode,
    kind: options.kind,
    delta: false,
    dialect: DEFAULT_DIALECT_PROFILE,
    plaintext: Readable.from([Buffer.from(`${[header, ...options.lines].join('\n')}\n`)]),
    verified: Promise.resolve({}),
    maxRejectedRowRatio: 0.05,
    retentionMonths: 36,
    memberSectors: new Map(options.members.map((code) => [code, 'automobile'])),
    repoussoir: repoussoirFeed(options.ctx),
    hmacSecret: POOL_TEST_HMAC_SECRET,
    now: options.now,
    receivedAt: options.now,
  });
  if (result.outcome !== 'loaded') throw new Error(`the test ${options.kind} did not load`);
}
