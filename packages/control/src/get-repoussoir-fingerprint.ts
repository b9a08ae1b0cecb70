import { sql } from 'kysely';
import type { ControlContext } from './control-context.ts';

/**
 * A string that changes whenever the repoussoir changes: entries are only ever
 * added or withdrawn (never deleted or edited), so the counts and the latest
 * add and withdrawal times identify a state. The pool re-mirrors the active
 * hashes only when it differs, so a count stays cheap and an entry added a
 * second ago still applies.
 *
 * @example
 * const fingerprint = await getRepoussoirFingerprint(ctx); // '12:11:2026-12-03T10:00:00.000Z:…'
 */
export async function getRepoussoirFingerprint(ctx: ControlContext): Promise<string> {
  const row = await ctx.db
    .selectFrom('repoussoir_entries')
    .select([
      sql<string>`count(*)::text`.as('total'),
      sql<string>`count(*) FILTER (WHERE withdrawn_at IS NULL)::text`.as('active'),
      sql<string | null>`max(created_at)::text`.as('lastAdded'),
      sql<string | null>`max(withdrawn_at)::text`.as('lastWithdrawn'),
    ])
    .executeTakeFirstOrThrow();
  return [row.total, row.active, row.lastAdded ?? '-', row.lastWithdrawn ?? '-'].join('|');
}
