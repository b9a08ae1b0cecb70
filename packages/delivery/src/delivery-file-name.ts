import { AppError } from '@alliage/domain';

const DELIVERY_ID_HEAD = /^[A-Za-z0-9]{8}/;

export interface DeliveryFileNameOptions {
  /** Accepted for callers that have one; never written, as it may name a campaign or a person. */
  selectionName?: string;
  deliveryId: string;
  createdAt: Date;
}

/**
 * The name of a delivery file in the client's `out/`: `alliage-<yyyymmdd>-<first 8
 * characters of the delivery ID>.csv.gpg` (UTC date, ID lower-cased). The selection's
 * own name is left out: free text has no place in a file name a client's tools parse.
 *
 * @example
 * deliveryFileName({ deliveryId: '3F1C9A2E-77b1-4c1d-9d61-0a6b2f3e4d5c', createdAt: new Date('2026-03-05T10:00:00Z') })
 * // 'alliage-20260305-3f1c9a2e.csv.gpg'
 */
export function deliveryFileName(options: DeliveryFileNameOptions): string {
  const head = DELIVERY_ID_HEAD.exec(options.deliveryId)?.[0];
  if (head === undefined) {
    throw new AppError('internal', 'delivery ID must start with 8 letters or digits');
  }
  if (Number.isNaN(options.createdAt.getTime())) {
    throw new AppError('internal', 'delivery creation date is invalid');
  }
  const day = options.createdAt.toISOString().slice(0, 10).replaceAll('-', '');
  return `alliage-${day}-${head.toLowerCase()}.csv.gpg`;
}
