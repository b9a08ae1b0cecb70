import type { TRepoussoirChange, TRepoussoirFeed, TRepoussoirHead } from '@alliage/domain';
import { sql } from 'kysely';
import type { ControlContext } from './control-context.ts';

/**
 * The repoussoir as a feed of versioned changes (`TRepoussoirFeed`), for the pool to
 * keep its mirror of the entries in force up to date by reading only what changed.
 * Pages are taken in (version, id) order, so a long catch-up (a national list) never
 * holds more than one page in memory; an entry changed again while a catch-up pages
 * moves past `upTo` and is read by the next one.
 *
 * @example
 * const feed = repoussoirFeed(ctx);
 * const { epoch, version } = await feed.head();
 * const first = await feed.changes({ after: { version: 0 }, upTo: version, limit: 50_000 });
 */
export function repoussoirFeed(ctx: ControlContext): TRepoussoirFeed {
  return {
    head: () => readRepoussoirHead(ctx),
    changes: async ({ after, upTo, limit }) => {
      let query = ctx.db
        .selectFrom('repoussoir_committed_entries')
        .select([
          'id',
          'change_version',
          'kind',
          'hmac',
          'scope',
          sql<boolean>`withdrawn_at IS NULL`.as('active'),
        ])
        .where('change_version', '<=', upTo)
        .orderBy('change_version')
        .orderBy('id')
        .limit(limit);
      query =
        after.id === undefined
          ? query.where('change_version', '>', after.version)
          : query.where(sql<boolean>`(change_version, id) > (${after.version}, ${after.id}::uuid)`);
      const rows = await query.execute();
      return rows.map(
        (row): TRepoussoirChange => ({
          id: row.id,
          version: Number(row.change_version),
          kind: row.kind,
          hmac: row.hmac,
          scope: row.scope,
          active: row.active,
        }),
      );
    },
  };
}

/**
 * The repoussoir's epoch and last committed version: a copy at this head is up to date.
 *
 * @example
 * await readRepoussoirHead(ctx); // { epoch: '5f0c…', version: 42 }
 */
export async function readRepoussoirHead(ctx: ControlContext): Promise<TRepoussoirHead> {
  const row = await ctx.db
    .selectFrom('repoussoir_state')
    .select(['epoch', 'version'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return { epoch: row.epoch, version: Number(row.version) };
}
