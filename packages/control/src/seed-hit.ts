import type { TChannel } from '@alliage/domain';
import type { Selectable } from 'kysely';
import type { SeedHitsTable } from './schema.ts';

/** A reported contact on a seed record, judged against the delivery's selection. */
export interface TSeedHit {
  id: string;
  seedId: string;
  deliveryId: string;
  channel: TChannel;
  contactedAt: Date;
  reportedByRef: string;
  /** The contact fell within the campaign window (dates in Europe/Paris). */
  inWindow: boolean;
  /** The contact used the channel the selection was ordered for. */
  channelOrdered: boolean;
  createdAt: Date;
  note: string | null;
}

/** Maps a row of `seed_hits` to its public shape. */
export function toSeedHit(row: Selectable<SeedHitsTable>): TSeedHit {
  return {
    id: row.id,
    seedId: row.seed_id,
    deliveryId: row.delivery_id,
    channel: row.channel,
    contactedAt: row.contacted_at,
    reportedByRef: row.reported_by_ref,
    inWindow: row.in_window,
    channelOrdered: row.channel_ordered,
    createdAt: row.created_at,
    note: row.note,
  };
}
