import { sql } from 'kysely';
import type { ControlContext } from './control-context.ts';

/** Entries by source, scope and kind, in force and withdrawn: counts only, never values. */
export interface TRepoussoirStats {
  active: number;
  withdrawn: number;
  bySourceAndScope: {
    source: string;
    scope: string;
    kind: string;
    active: number;
    withdrawn: number;
  }[];
}

/**
 * Counts of the repoussoir for compliance (`GET /v1/repoussoir/stats`).
 *
 * @example
 * const { active, bySourceAndScope } = await getRepoussoirStats(ctx);
 */
export async function getRepoussoirStats(ctx: ControlContext): Promise<TRepoussoirStats> {
  const rows = await ctx.db
    .selectFrom('repoussoir_committed_entries')
    .select([
      'source',
      'scope',
      'kind',
      sql<string>`count(*) FILTER (WHERE withdrawn_at IS NULL)::text`.as('active'),
      sql<string>`count(*) FILTER (WHERE withdrawn_at IS NOT NULL)::text`.as('withdrawn'),
    ])
    .groupBy(['source', 'scope', 'kind'])
    .orderBy('source')
    .orderBy('scope')
    .orderBy('kind')
    .execute();
  const bySourceAndScope = rows.map((row) => ({
    source: row.source,
    scope: row.scope,
    kind: row.kind,
    active: Number(row.active),
    withdrawn: Number(row.withdrawn),
  }));
  return {
    active: bySourceAndScope.reduce((sum, row) => sum + row.active, 0),
    withdrawn: bySourceAndScope.reduce((sum, row) => sum + row.withdrawn, 0),
    bySourceAndScope,
  };
}
