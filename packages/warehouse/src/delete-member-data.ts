import type { TRepoussoirFeed } from '@alliage/domain';
import { dropStageTables } from './drop-stage-tables.ts';
import { markPoolRewriteDue } from './mark-pool-rewrite-due.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { type TPoolAuditEvent, writeAuditOutbox } from './pool-audit-outbox.ts';
import { refreshPool, type TPoolChanges } from './refresh-pool.ts';
import { runPoolTransaction } from './run-pool-transaction.ts';

/** Every pool table holding rows of a member (member_code): what deleting its data empties. */
export const MEMBER_DATA_TABLES = [
  'transactions',
  'record_activity',
  'record_category_activity',
  'person_member_reach',
  'person_purchase_facts',
  'person_member_purchases',
  'person_member_postcodes',
  'loaded_drops',
  // Which deliveries this member supplied: the refresh only sees the persons its
  // records are in now, and the member is gone for all of them.
  'delivered_person_suppliers',
  // Pooled and held records alike (member_records and held_records are its views).
  'customer_records',
  // What the pool remembers of its customers deleted for retention.
  'retention_tombstones',
] as const;

export interface DeleteMemberDataOptions {
  warehouse: TWarehouse;
  memberCode: string;
  /** Sector of every remaining member (member_code → sector), for their segments. */
  memberSectors: Map<string, string>;
  /** The repoussoir, for the mirror to catch up and the remaining persons to be marked again. */
  repoussoir: TRepoussoirFeed;
  now: Date;
  /**
   * Audit events reporting the deletion (counts only), written into the pool's outbox
   * in the deletion's own transaction (`writeAuditOutbox`): a crash after the commit
   * cannot lose the record of what was deleted.
   */
  auditEvents?: (deletion: TMemberDataDeletion) => TPoolAuditEvent[];
}

/** What deleting a member's data removed, in counts (for the deletion certificate). */
export interface TMemberDataDeletion {
  records: number;
  heldRecords: number;
  transactions: number;
  loadedDrops: number;
  /** Persons that had no record left and disappeared. */
  personsRemoved: number;
  householdsRemoved: number;
  /** Rows of "delivered to client X" about persons that disappeared. */
  deliveredPersonsRows: number;
  /** Rows of "this member supplied that delivered person" (delivered_person_suppliers). */
  deliverySupplierRows: number;
  personsBefore: number;
  personsAfter: number;
  householdsBefore: number;
  householdsAfter: number;
  changes: TPoolChanges;
}

/**
 * Deletes every row the pool holds for one member — records, held records,
 * transactions, activity aggregates, per-member reach, loaded-drop markers —
 * then, in the same transaction, re-resolves the persons and households that
 * depended on those records (a person left without records disappears; one
 * still held by another member stays, with its ID), refreshes their segments
 * and repoussoir marks, and forgets deliveries of persons that are gone. The
 * deleted rows' bytes stay in the DuckDB file until compactWarehouse.
 *
 * @example
 * const deleted = await deleteMemberData({ warehouse, memberCode: 'M01', memberSectors, repoussoir, now });
 */
export async function deleteMemberData(
  options: DeleteMemberDataOptions,
): Promise<TMemberDataDeletion> {
  const member = options.memberCode;
  return options.warehouse.withWriter(async (connection) => {
    const count = async (sql: string, params: string[] = [member]): Promise<number> =>
      Number((await connection.runAndReadAll(sql, params)).getRowsJS()[0]?.[0] ?? 0);
    try {
      return await runPoolTransaction(options.warehouse, connection, async () => {
        const personsBefore = await count('SELECT count(*) FROM persons', []);
        const householdsBefore = await count('SELECT count(*) FROM households', []);
        await connection.run(
          'CREATE OR REPLACE TEMP TABLE off_changed (record_id BIGINT, person_id BIGINT)',
        );
        await connection.run(
          'INSERT INTO off_changed SELECT record_id, person_id FROM member_records WHERE member_code = $1',
          [member],
        );
        // Nobody's records change but the member's: segments follow the persons resolution touches.
        await connection.run(
          'CREATE OR REPLACE TEMP TABLE off_affected (member_code VARCHAR, customer_id VARCHAR)',
        );
        const records = await count('SELECT count(*) FROM off_changed', []);
        const heldRecords = await count('SELECT count(*) FROM held_records WHERE member_code = $1');
        const transactions = await count(
          'SELECT count(*) FROM transactions WHERE member_code = $1',
        );
        const loadedDrops = await count('SELECT count(*) FROM loaded_drops WHERE member_code = $1');
        const supplierRows = await count(
          'SELECT count(*) FROM delivered_person_suppliers WHERE member_code = $1',
        );
        for (const table of MEMBER_DATA_TABLES) {
          await connection.run(`DELETE FROM ${table} WHERE member_code = $1`, [member]);
        }
        // The caller rewrites the file next; should that fail, the next daily pass does.
        if (records + heldRecords + transactions > 0) {
          await markPoolRewriteDue(connection, 'offboarding', options.now);
        }
        const changes = await refreshPool({
          connection,
          // No member's activity changes: no retention purge mixed into this deletion.
          retentionMonthsByMember: new Map(),
          changedRecordsTable: 'off_changed',
          affectedCustomersTable: 'off_affected',
          memberSectors: options.memberSectors,
          repoussoir: options.repoussoir,
          today: options.now.toISOString().slice(0, 10),
          now: options.now,
        });
        const personsAfter = await count('SELECT count(*) FROM persons', []);
        const householdsAfter = await count('SELECT count(*) FROM households', []);
        const deletion: TMemberDataDeletion = {
          records,
          heldRecords,
          transactions,
          loadedDrops,
          personsRemoved: changes.identities.personsGone,
          householdsRemoved: changes.households.householdsGone,
          // The refresh forgot the deliveries of the persons that are gone.
          deliveredPersonsRows: changes.deliveredPersonsRows,
          deliverySupplierRows: supplierRows + changes.deliverySupplierRows,
          personsBefore,
          personsAfter,
          householdsBefore,
          householdsAfter,
          changes,
        };
        if (options.auditEvents) {
          await writeAuditOutbox(connection, options.auditEvents(deletion), options.now);
        }
        return deletion;
      });
    } finally {
      await dropStageTables(connection, ['off']);
    }
  });
}
