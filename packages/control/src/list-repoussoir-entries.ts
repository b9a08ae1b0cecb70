import { AppError, type TRepoussoirSource, ZRepoussoirSource } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';
import { isUuid } from './is-uuid.ts';
import { type TRepoussoirEntry, toRepoussoirEntry } from './repoussoir-entry.ts';

export interface TRepoussoirEntryFilter {
  source?: TRepoussoirSource;
  /** Reference of the request or decision behind the entries (e.g. a rights request id). */
  sourceReference?: string;
  /** Include withdrawn entries (default: only those in force). */
  includeWithdrawn?: boolean;
  limit?: number;
  /** Entries created before this one (paging, newest first). */
  before?: string;
}

/**
 * Repoussoir entries, newest first: kind, scope, source, reference, dates and
 * withdrawal — never the hash, never a value.
 *
 * @example
 * const entries = await listRepoussoirEntries(ctx, { source: 'subject_request', limit: 50 });
 */
export async function listRepoussoirEntries(
  ctx: ControlContext,
  filter: TRepoussoirEntryFilter = {},
): Promise<TRepoussoirEntry[]> {
  let query = ctx.db
    .selectFrom('repoussoir_committed_entries')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(filter.limit ?? 100, 1), 1000));
  if (filter.source !== undefined) {
    query = query.where('source', '=', ZRepoussoirSource.parse(filter.source));
  }
  if (filter.sourceReference !== undefined) {
    query = query.where('source_reference', '=', filter.sourceReference);
  }
  if (!filter.includeWithdrawn) query = query.where('withdrawn_at', 'is', null);
  if (filter.before !== undefined) {
    if (!isUuid(filter.before))
      throw new AppError('validation_failed', 'before must be an entry id');
    const cursor = await ctx.db
      .selectFrom('repoussoir_committed_entries')
      .select(['created_at', 'id'])
      .where('id', '=', filter.before)
      .executeTakeFirst();
    if (!cursor) throw new AppError('not_found', `repoussoir entry ${filter.before} not found`);
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', cursor.created_at),
        eb.and([eb('created_at', '=', cursor.created_at), eb('id', '<', cursor.id)]),
      ]),
    );
  }
  return (await query.execute()).map(toRepoussoirEntry);
}
