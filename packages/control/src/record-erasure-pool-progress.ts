import { sql } from 'kysely';
import type { TExecutor } from './control-context.ts';
import type { TErasureProgress } from './schema.ts';

/**
 * Records on a rights request item what its erasure deleted from the pool, unless counts
 * are recorded already (a redone delivery, or a retry that found nothing left to count
 * keeps the first, true counts).
 *
 * @example
 * await recordErasurePoolProgress(trx, itemId, { records: 1, heldRecords: 0, transactions: 2, personsGone: 1 }, now);
 */
export async function recordErasurePoolProgress(
  executor: TExecutor,
  itemId: string,
  pool: NonNullable<TErasureProgress['pool']>,
  now: Date,
): Promise<void> {
  const counts = JSON.stringify({
    records: pool.records,
    heldRecords: pool.heldRecords,
    transactions: pool.transactions,
    personsGone: pool.personsGone,
  });
  await executor
    .updateTable('rights_request_items')
    .set({
      erasure_progress: sql`coalesce(erasure_progress, '{}'::jsonb) || jsonb_build_object('pool', ${counts}::jsonb)`,
      updated_at: now,
    })
    .where('id', '=', itemId)
    .where(sql<boolean>`erasure_progress->'pool' IS NULL`)
    .execute();
}
