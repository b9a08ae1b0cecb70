import type { TWarehouse } from './open-warehouse.ts';

/** How a warehouse's pool file is attached: what a file rewrite needs to attach its successor. */
export interface TWarehouseAttachment {
  /** `(ENCRYPTION_KEY '…')` or '' for an unencrypted file. */
  attachOptions: string;
  /**
   * Runs `work`, which detaches `pool` for a moment, once every open reader has closed
   * (waiting at most `drainMs`, then throwing a retryable conflict); readers opening
   * meanwhile wait until it ends.
   */
  whileReadersHeld<T>(work: () => Promise<T>, drainMs: number): Promise<T>;
}

// Kept beside, not on, the public TWarehouse so the encryption key never shows up in
// anything that logs or serialises a warehouse.
const attachments = new WeakMap<TWarehouse, TWarehouseAttachment>();

/** Remembers how `warehouse` attached its pool file (openWarehouse only). */
export function registerWarehouseAttachment(
  warehouse: TWarehouse,
  attachment: TWarehouseAttachment,
): void {
  attachments.set(warehouse, attachment);
}

/** How `warehouse` attached its pool file, or null for a warehouse openWarehouse did not make. */
export function getWarehouseAttachment(warehouse: TWarehouse): TWarehouseAttachment | null {
  return attachments.get(warehouse) ?? null;
}
