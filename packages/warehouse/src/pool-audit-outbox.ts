import { AppError, type TAuditAction } from '@alliage/domain';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TWarehouse } from './open-warehouse.ts';
import { runPoolTransaction } from './run-pool-transaction.ts';
import { sqlString } from './sql-literal.ts';

/**
 * An audit event a pool change owes the control plane, kept in the pool's outbox
 * (`audit_outbox`) from the change's commit until the chain holds it. Counts and IDs
 * only, never personal data.
 */
export interface TPoolAuditEvent {
  /** Unique per event (a UUID): the audit chain holds at most one event with it. */
  outboxId: string;
  action: TAuditAction;
  /** The actor's ref (`system`, `cli:…`, `principal:…`). */
  actor: string;
  objectType?: string | null;
  objectId?: string | null;
  organisationCode?: string | null;
  instructionVersion?: number | null;
  details: Record<string, unknown>;
  /**
   * The rights request item whose erasure this event reports, and the pool's counts:
   * recorded as the item's progress with the event, so a retry does not count again.
   */
  erasure?: {
    itemId: string;
    pool: { records: number; heldRecords: number; transactions: number; personsGone: number };
  };
}

/**
 * Writes `events` into the pool's outbox inside the caller's transaction, so they are
 * committed (or rolled back) with the change they report; `deliverPoolAuditOutbox`
 * (@alliage/pool) appends them to the audit chain afterwards.
 *
 * @example
 * await writeAuditOutbox(connection, [{ outboxId: randomUUID(), action: 'pool.purged', actor, details }], now);
 */
export async function writeAuditOutbox(
  connection: DuckDBConnection,
  events: readonly TPoolAuditEvent[],
  now: Date,
): Promise<void> {
  for (const event of events) {
    await connection.run(
      `INSERT INTO audit_outbox VALUES ($1, nextval('audit_outbox_seq'), $2, CAST($3 AS TIMESTAMP))`,
      [event.outboxId, JSON.stringify(event), now.toISOString()],
    );
  }
}

/**
 * The events waiting in the pool's outbox, in the order their changes wrote them.
 *
 * @example
 * const pending = await listAuditOutbox(warehouse);
 */
export async function listAuditOutbox(warehouse: TWarehouse): Promise<TPoolAuditEvent[]> {
  const connection = await warehouse.connect();
  try {
    const rows = (
      await connection.runAndReadAll('SELECT outbox_id, event FROM audit_outbox ORDER BY position')
    ).getRowsJS();
    return rows.map(([outboxId, event]) => {
      const parsed = JSON.parse(String(event)) as TPoolAuditEvent;
      if (parsed.outboxId !== outboxId) {
        throw new AppError('internal', `pool audit outbox row ${String(outboxId)} is inconsistent`);
      }
      return parsed;
    });
  } finally {
    connection.closeSync();
  }
}

/**
 * Removes delivered events from the pool's outbox (those the audit chain holds).
 *
 * @example
 * await removeAuditOutbox(warehouse, delivered.map((event) => event.outboxId));
 */
export async function removeAuditOutbox(
  warehouse: TWarehouse,
  outboxIds: readonly string[],
): Promise<void> {
  if (outboxIds.length === 0) return;
  const list = outboxIds.map((outboxId) => sqlString(outboxId)).join(', ');
  await warehouse.withWriter((connection) =>
    runPoolTransaction(warehouse, connection, () =>
      connection.run(`DELETE FROM audit_outbox WHERE outbox_id IN (${list})`),
    ),
  );
}
