import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { DeliverySeedsTable } from './schema.ts';

/**
 * A seed record ("adresse témoin") of a delivery: a synthetic identity that looks like a
 * real record and is unique to that delivery. Not personal data.
 */
export interface TDeliverySeed {
  id: string;
  deliveryId: string;
  /** The per-delivery row ID it carries in the file, like any delivered row. */
  rowId: string;
  civility: 'M' | 'MME';
  firstName: string;
  lastName: string;
  /** RNVP address lines (up to 6; none outside postal deliveries). */
  addressLines: string[];
  postcode: string | null;
  email: string | null;
  /** E.164. */
  phone: string | null;
  createdAt: Date;
}

/** A seed as the delivery job hands it over; the email is stored trimmed and lower-cased. */
export const ZDeliverySeedInput = z
  .object({
    rowId: z.string().min(1).max(64),
    civility: z.enum(['M', 'MME']),
    firstName: z.string().trim().min(1).max(100),
    lastName: z.string().trim().min(1).max(100),
    addressLines: z.array(z.string().max(100)).max(6),
    postcode: z
      .string()
      .regex(/^\d{5}$/, 'must be 5 digits')
      .nullable(),
    email: z.string().trim().toLowerCase().pipe(z.email().max(254)).nullable(),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be E.164')
      .nullable(),
  })
  .strict();
export type TDeliverySeedInput = z.input<typeof ZDeliverySeedInput>;

/** Maps a row of `delivery_seeds` to its public shape. */
export function toDeliverySeed(row: Selectable<DeliverySeedsTable>): TDeliverySeed {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    rowId: row.row_id,
    civility: row.civility,
    firstName: row.first_name,
    lastName: row.last_name,
    addressLines: row.address_lines,
    postcode: row.postcode,
    email: row.email,
    phone: row.phone,
    createdAt: row.created_at,
  };
}
