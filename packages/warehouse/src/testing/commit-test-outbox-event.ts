import { randomUUID } from 'node:crypto';
import type { TWarehouse } from '../open-warehouse.ts';
import { writeAuditOutbox } from '../pool-audit-outbox.ts';
import { runPoolTransaction } from '../run-pool-transaction.ts';

/**
 * Commits one `pool.purged` event (by `system`, with `details`) into the pool's audit
 * outbox, as a pool change whose process died before delivering it leaves it; returns
 * its outbox ID.
 *
 * @example
 * const outboxId = await commitTestOutboxEvent(warehouse, { records: 2 });
 */
export async function commitTestOutboxEvent(
  warehouse: TWarehouse,
  details: Record<string, unknown>,
): Promise<string> {
  const outboxId = randomUUID();
  await warehouse.withWriter((connection) =>
    runPoolTransaction(warehouse, connection, () =>
      writeAuditOutbox(
        connection,
        [{ outboxId, action: 'pool.purged', actor: 'system', objectType: 'pool', details }],
        new Date(),
      ),
    ),
  );
  return outboxId;
}
