import { listSegments, type TSegmentListing, type TWarehouse } from '@alliage/warehouse';

/**
 * The segment definitions with their counts, small counts shown as "<k", read
 * on a reader connection (it never blocks the pool's writer).
 *
 * @example
 * const segments = await listPoolSegments(warehouse, 20);
 */
export async function listPoolSegments(
  warehouse: TWarehouse,
  threshold: number,
): Promise<TSegmentListing[]> {
  const connection = await warehouse.connect();
  try {
    return await listSegments({ connection, threshold });
  } finally {
    connection.closeSync();
  }
}
