import type { TRepoussoirFeed, TRepoussoirHead } from '@alliage/domain';
import type { DuckDBConnection } from '@duckdb/node-api';
import { appendRows } from './append-rows.ts';

/** Entries read from the feed at a time: what a catch-up holds in memory at most. */
const FEED_PAGE_SIZE = 50_000;

/** What a catch-up of the mirror did. */
export interface TRepoussoirMirrorSync {
  /** The control plane's head the mirror now stands at. */
  head: TRepoussoirHead;
  /** Whether the mirror was read again from the start (first sync, another epoch). */
  full: boolean;
  /** Entries read from the feed (added, withdrawn, or both since the last sync). */
  changed: number;
}

/**
 * Brings `repoussoir_hashes` (the entries in force, keyed hashes only) up to the feed's
 * head inside the caller's transaction: reads only the entries changed since the version
 * the mirror holds, page by page, applies them by entry id (a withdrawn entry leaves, an
 * added one comes in), and records the new head in `repoussoir_mirror`. A mirror of
 * another epoch, or ahead of the feed (a control plane restored from an older backup), is
 * rebuilt from the start. Does not touch the persons' marks (`refreshOppositions`).
 *
 * @example
 * const { head, changed } = await syncRepoussoirMirror(connection, repoussoirFeed(ctx));
 */
export async function syncRepoussoirMirror(
  connection: DuckDBConnection,
  feed: TRepoussoirFeed,
  options: {
    pageSize?: number;
    /**
     * Leave TEMP table `rp_changes` (entry_id, kind, hmac, scope, active: the entries read)
     * for the caller, who drops it; without it no such table is left. A mirror already at
     * the feed's head reads nothing and creates none.
     */
    keepChanges?: boolean;
  } = {},
): Promise<TRepoussoirMirrorSync> {
  const pageSize = options.pageSize ?? FEED_PAGE_SIZE;
  const head = await feed.head();
  const held = await readRepoussoirMirrorHead(connection);
  const incremental = held !== null && held.epoch === head.epoch && held.version <= head.version;
  if (incremental && held.version === head.version) return { head, full: false, changed: 0 };
  await connection.run(
    'CREATE OR REPLACE TEMP TABLE rp_changes (entry_id VARCHAR, kind VARCHAR, hmac VARCHAR, scope VARCHAR, active BOOLEAN)',
  );
  let after: { version: number; id?: string } = { version: incremental ? held.version : 0 };
  let changed = 0;
  for (;;) {
    const page = await feed.changes({ after, upTo: head.version, limit: pageSize });
    await appendRows(connection, 'rp_changes', page.length, (index) => {
      const change = page[index] as (typeof page)[number];
      return [change.id, change.kind, change.hmac, change.scope, change.active];
    });
    changed += page.length;
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize) break;
    after = { version: last.version, id: last.id };
  }
  await connection.run(
    incremental
      ? 'DELETE FROM repoussoir_hashes WHERE entry_id IN (SELECT entry_id FROM rp_changes)'
      : 'DELETE FROM repoussoir_hashes',
  );
  await connection.run(
    'INSERT INTO repoussoir_hashes SELECT entry_id, kind, hmac, scope FROM rp_changes WHERE active',
  );
  if (!options.keepChanges) await connection.run('DROP TABLE rp_changes');
  await connection.run('DELETE FROM repoussoir_mirror');
  await connection.run('INSERT INTO repoussoir_mirror VALUES ($epoch, $version)', {
    epoch: head.epoch,
    version: head.version,
  });
  return { head, full: !incremental, changed };
}

/**
 * The head the mirror stands at, or null before its first sync.
 *
 * @example
 * await readRepoussoirMirrorHead(connection); // { epoch: '5f0c…', version: 42 }
 */
export async function readRepoussoirMirrorHead(
  connection: DuckDBConnection,
): Promise<TRepoussoirHead | null> {
  const row = (
    await connection.runAndReadAll('SELECT epoch, version FROM repoussoir_mirror LIMIT 1')
  ).getRowsJS()[0];
  return row ? { epoch: String(row[0]), version: Number(row[1]) } : null;
}

/**
 * The string `repoussoir_sync` records when the persons' marks were computed from the
 * mirror at `head`.
 *
 * @example
 * repoussoirMarksFingerprint({ epoch: '5f0c…', version: 42 }); // '5f0c…:42'
 */
export function repoussoirMarksFingerprint(head: TRepoussoirHead): string {
  return `${head.epoch}:${head.version}`;
}
