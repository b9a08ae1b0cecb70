/**
 * One line of a delivery file before CSV formatting. `rowId` is the per-delivery
 * opaque ID (pool person and household IDs never leave the platform); only the
 * contact field of the ordered channel is written, whatever else the row carries.
 */
export interface TDeliveryRow {
  rowId: string;
  civility: 'M' | 'MME' | null;
  firstName: string | null;
  lastName: string | null;
  /** The NF Z10-011 block, at most 6 lines, line 1 the recipient; postal deliveries only. */
  addressLines: string[];
  postcode: string | null;
  city: string | null;
  email: string | null;
  /** As it will be written: national French form or `00` prefix (see formatDeliveryPhone). */
  phone: string | null;
}
