import type { TRepoussoirFeed } from '@alliage/domain';
import type { TWarehouse } from './open-warehouse.ts';
import { readMarksFingerprint, refreshOppositions } from './refresh-oppositions.ts';
import { runPoolTransaction } from './run-pool-transaction.ts';
import { repoussoirMarksFingerprint } from './sync-repoussoir-mirror.ts';

/**
 * Before a count or a delivery: when the repoussoir moved past the head the persons'
 * marks follow (or a build, a drop or an erasure made them stale), catches the mirror
 * up from the feed and marks the persons again, on the writer and in one transaction.
 * When nothing changed a count costs one read of the control plane and one of the pool,
 * and never waits for a load holding the writer. Returns whether it refreshed.
 *
 * @example
 * await syncRepoussoirHashes(warehouse, repoussoirFeed(ctx));
 */
export async function syncRepoussoirHashes(
  warehouse: TWarehouse,
  feed: TRepoussoirFeed,
): Promise<boolean> {
  const current = repoussoirMarksFingerprint(await feed.head());
  const reader = await warehouse.connect();
  try {
    if ((await readMarksFingerprint(reader)) === current) return false;
  } finally {
    reader.closeSync();
  }
  return warehouse.withWriter(async (connection) => {
    if (
      (await readMarksFingerprint(connection)) === repoussoirMarksFingerprint(await feed.head())
    ) {
      return false;
    }
    await runPoolTransaction(warehouse, connection, () => refreshOppositions(connection, feed));
    return true;
  });
}
