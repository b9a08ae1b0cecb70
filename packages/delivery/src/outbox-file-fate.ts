const DAY_MS = 24 * 60 * 60 * 1000;
/** `deliveryFileName`'s shape: `alliage-<creation day YYYYMMDD>-<delivery ID head>.csv.gpg`. */
const DELIVERY_FILE_NAME = /^alliage-(\d{4})(\d{2})(\d{2})-[a-z0-9]{8}\.csv\.gpg$/;

/** Whether a file in a client's `out/` stays or goes, and why (`outboxFileFate`). */
export type TOutboxFileFate =
  | { action: 'keep'; why: 'live' | 'in_progress' | 'unknown' }
  | { action: 'delete'; why: 'expired' | 'failed' | 'unknown_past_expiry' };

/** What the control plane knows of the delivery a file in `out/` belongs to. */
export interface TOutboxDeliveryState {
  status: 'pending' | 'written' | 'failed' | 'expired';
  expiresAt: Date;
}

/**
 * What becomes of a file in a client's `out/`, given the delivery the control plane
 * knows it by (null: none, e.g. after a restore of an older control plane):
 * - a delivery still being written (`pending`) or written and not yet expired: kept;
 * - an expired or failed delivery, or a written one past its expiry: deleted (the
 *   file must not outlive the delivery; downloads of it are refused anyway);
 * - no delivery: kept and counted (`unknown`), unless its name is a delivery file
 *   name (`deliveryFileName`) whose creation day is more than `expiryDays` (the expiry
 *   in force) plus one day ago: that file is ours, and past any expiry the platform
 *   would give it today, so it is deleted (`unknown_past_expiry`).
 *
 * @example
 * outboxFileFate({ fileName: 'alliage-20261001-1a2b3c4d.csv.gpg', delivery: null, now, expiryDays: 30 })
 * // { action: 'delete', why: 'unknown_past_expiry' } when now is after 2026-11-01
 */
export function outboxFileFate(input: {
  fileName: string;
  delivery: TOutboxDeliveryState | null;
  now: Date;
  expiryDays: number;
}): TOutboxFileFate {
  const { delivery, now } = input;
  if (delivery) {
    if (delivery.status === 'pending') return { action: 'keep', why: 'in_progress' };
    if (delivery.status === 'failed') return { action: 'delete', why: 'failed' };
    if (delivery.status === 'expired' || delivery.expiresAt.getTime() <= now.getTime()) {
      return { action: 'delete', why: 'expired' };
    }
    return { action: 'keep', why: 'live' };
  }
  const day = DELIVERY_FILE_NAME.exec(input.fileName);
  if (day) {
    const createdDay = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    // A real calendar day only (Date.UTC rolls 20261332 over into another date).
    const valid =
      new Date(createdDay).toISOString().slice(0, 10).replaceAll('-', '') ===
      `${day[1]}${day[2]}${day[3]}`;
    // Created at the latest at the end of that day: its expiry came before this.
    if (valid && createdDay + (input.expiryDays + 1) * DAY_MS <= now.getTime()) {
      return { action: 'delete', why: 'unknown_past_expiry' };
    }
  }
  return { action: 'keep', why: 'unknown' };
}
