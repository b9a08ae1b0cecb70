import { createHmac, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CUSTOMER_COLUMNS,
  DEFAULT_DIALECT_PROFILE,
  type TMemberFileKind,
  TRANSACTION_COLUMNS,
} from '@alliage/domain';
import { loadMemberDrop } from '../load-member-drop.ts';
import type { TWarehouse } from '../open-warehouse.ts';
import { fixedRepoussoirFeed } from './fixed-repoussoir-feed.ts';

/** The HMAC secret of the test drops (test-only). */
export const TEST_DROP_HMAC_SECRET = 'test-only-hmac-secret-0123456789abcdef';

/** A value keyed with the test drops' secret, as the pool stores contact points' hashes. */
export function testDropHmac(value: string): string {
  return createHmac('sha256', TEST_DROP_HMAC_SECRET).update(value).digest('hex');
}

/** A member file of the default dialect: its header, then `lines` (synthetic rows). */
export function testMemberFile(kind: TMemberFileKind, lines: readonly string[]): Readable {
  const header = (kind === 'customers' ? CUSTOMER_COLUMNS : TRANSACTION_COLUMNS).join(',');
  return Readable.from([Buffer.from(`${[header, ...lines].join('\n')}\n`)]);
}

/**
 * Loads a drop of synthetic CSV rows through the real loader, with the test defaults:
 * default dialect, 50% rejected-row ratio, 36 months of retention, sectors for M01
 * (`equipement_maison`) and M02 (`loisirs_voyages`), an empty repoussoir unless given.
 *
 * @example
 * await loadTestDrop(warehouse, 'M01', 'transactions', ['C1,T1,2026-10-01,12.50,maison,web'], { now });
 */
export function loadTestDrop(
  warehouse: TWarehouse,
  memberCode: string,
  kind: TMemberFileKind,
  lines: readonly string[],
  extra: {
    /** The same ID again: a retry of that drop. */
    fileDropId?: string;
    delta?: boolean;
    now?: Date;
    retentionMonths?: number;
    repoussoir?: { kind: 'email' | 'phone' | 'postal'; hmac: string; scope: string }[];
  } = {},
) {
  const now = extra.now ?? new Date('2026-11-23T10:00:00Z');
  return loadMemberDrop({
    warehouse,
    fileDropId: extra.fileDropId ?? randomUUID(),
    memberCode,
    kind,
    delta: extra.delta ?? false,
    dialect: DEFAULT_DIALECT_PROFILE,
    plaintext: testMemberFile(kind, lines),
    verified: Promise.resolve({}),
    maxRejectedRowRatio: 0.5,
    retentionMonths: extra.retentionMonths ?? 36,
    repoussoir: fixedRepoussoirFeed(extra.repoussoir ?? []),
    hmacSecret: TEST_DROP_HMAC_SECRET,
    memberSectors: TEST_DROP_SECTORS,
    now,
    receivedAt: now,
  });
}

/** The members' sectors the test drops refresh segments with. */
export const TEST_DROP_SECTORS = new Map([
  ['M01', 'equipement_maison'],
  ['M02', 'loisirs_voyages'],
]);
