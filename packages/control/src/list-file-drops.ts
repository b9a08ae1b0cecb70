import { ZDropStatus } from '@alliage/domain';
import { z } from 'zod';
import type { ControlContext } from './control-context.ts';
import { type TFileDrop, toFileDrop } from './file-drop.ts';
import { selectFileDrops } from './select-file-drop.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

export const ZFileDropFilter = z
  .object({
    organisationCode: z.string().optional(),
    status: ZDropStatus.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    /** Drops received before this one (newest first paging). */
    before: z.uuid().optional(),
  })
  .strict();
export type TFileDropFilter = z.input<typeof ZFileDropFilter>;

/** File drops, newest first, optionally of one organisation or status. */
export async function listFileDrops(
  ctx: ControlContext,
  filter: TFileDropFilter = {},
): Promise<TFileDrop[]> {
  const fields = ZFileDropFilter.parse(filter);
  let query = selectFileDrops(ctx.db);
  if (fields.organisationCode) {
    const organisation = await selectOrganisationRow(ctx.db, fields.organisationCode);
    query = query.where('file_drops.organisation_id', '=', organisation.id);
  }
  if (fields.status) query = query.where('file_drops.status', '=', fields.status);
  if (fields.before) {
    const anchor = await ctx.db
      .selectFrom('file_drops')
      .select(['received_at', 'id'])
      .where('id', '=', fields.before)
      .executeTakeFirst();
    if (anchor) {
      query = query.where((eb) =>
        eb.or([
          eb('file_drops.received_at', '<', anchor.received_at),
          eb.and([
            eb('file_drops.received_at', '=', anchor.received_at),
            eb('file_drops.id', '<', anchor.id),
          ]),
        ]),
      );
    }
  }
  const rows = await query
    .orderBy('file_drops.received_at', 'desc')
    .orderBy('file_drops.id', 'desc')
    .limit(fields.limit)
    .execute();
  return rows.map(toFileDrop);
}
