import type { TRepoussoirFeed } from '@alliage/domain';
import { appendRows } from './append-rows.ts';
import { deleteCustomerData } from './delete-customer-data.ts';
import { dropStageTables } from './drop-stage-tables.ts';
import { markPoolRewriteDue } from './mark-pool-rewrite-due.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { type TPoolAuditEvent, writeAuditOutbox } from './pool-audit-outbox.ts';
import { refreshPool, type TPoolChanges } from './refresh-pool.ts';
import { runPoolTransaction } from './run-pool-transaction.ts';

export interface EraseMemberCustomersOptions {
  warehouse: TWarehouse;
  memberCode: string;
  /** The member's customer IDs to erase. */
  customerIds: readonly string[];
  /** Sector of every member (member_code → sector), for the segments refreshed. */
  memberSectors: Map<string, string>;
  /** The repoussoir, for the mirror to catch up and the persons to be marked again. */
  repoussoir: TRepoussoirFeed;
  /** The platform's HMAC secret: the customers' retention tombstones go too. */
  hmacSecret: string;
  /** The platform clock's now. */
  now: Date;
  /**
   * The audit events the erasure owes the control plane, given its counts: written into
   * the pool's outbox in the erasure's own transaction (`writeAuditOutbox`).
   */
  auditEvents?: (counts: TErasureCounts) => TPoolAuditEvent[];
}

/** What an erasure deleted, in counts. */
export interface TErasureCounts {
  records: number;
  heldRecords: number;
  transactions: number;
  pool: TPoolChanges;
}

/**
 * Erases some customers of one member from the pool (a confirmed erasure request) in ONE
 * writer transaction: their records (and held records), transactions and activity, then
 * the pool refresh, so persons and households left with no record disappear and the
 * others are re-resolved without them. Other members' records are untouched. Idempotent:
 * erasing customers already gone deletes nothing.
 *
 * @example
 * const counts = await eraseMemberCustomers({ warehouse, memberCode: 'M01', customerIds: ['C42'],
 *   memberSectors, repoussoir, hmacSecret, now });
 */
export async function eraseMemberCustomers(
  options: EraseMemberCustomersOptions,
): Promise<TErasureCounts> {
  const member = options.memberCode;
  const { warehouse } = options;
  return warehouse.withWriter(async (connection) => {
    try {
      return await runPoolTransaction(warehouse, connection, async () => {
        await connection.run(
          'CREATE OR REPLACE TEMP TABLE er_customers (member_code VARCHAR, customer_id VARCHAR)',
        );
        await appendRows(connection, 'er_customers', options.customerIds.length, (index) => [
          member,
          options.customerIds[index] as string,
        ]);
        // Identity resolution starts from the removed records and their former persons.
        await connection.run(
          'CREATE OR REPLACE TEMP TABLE er_changed (record_id BIGINT, person_id BIGINT)',
        );
        await connection.run(
          'CREATE OR REPLACE TEMP TABLE er_affected AS SELECT DISTINCT member_code, customer_id FROM er_customers',
        );
        const { records, heldRecords, transactions } = await deleteCustomerData(connection, {
          customersTable: 'er_customers',
          changedRecordsTable: 'er_changed',
          hmacSecret: options.hmacSecret,
        });
        // The caller rewrites the file next; should that fail, the next daily pass does.
        if (records + heldRecords + transactions > 0) {
          await markPoolRewriteDue(connection, 'erasure', options.now);
        }
        const today = options.now.toISOString().slice(0, 10);
        const pool = await refreshPool({
          connection,
          // Activity rows were deleted with the records: no retention pass is needed.
          retentionMonthsByMember: new Map(),
          changedRecordsTable: 'er_changed',
          affectedCustomersTable: 'er_affected',
          memberSectors: options.memberSectors,
          repoussoir: options.repoussoir,
          today,
          now: options.now,
        });
        const counts = { records, heldRecords, transactions, pool };
        if (options.auditEvents) {
          await writeAuditOutbox(connection, options.auditEvents(counts), options.now);
        }
        return counts;
      });
    } finally {
      // The erased customer IDs and their record IDs do not outlive the erasure.
      await dropStageTables(connection, ['er']);
    }
  });
}
