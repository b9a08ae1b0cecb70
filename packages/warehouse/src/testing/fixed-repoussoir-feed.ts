import { createHash } from 'node:crypto';
import type {
  TRepoussoirChange,
  TRepoussoirFeed,
  TRepoussoirKind,
  TRepoussoirScope,
} from '@alliage/domain';

/**
 * A repoussoir feed over a fixed list of entries in force, for pool tests without a
 * control plane: every entry is version 1 of `epoch` (the list is version 0 when
 * empty), with ids `<epoch>-<index>`. The epoch defaults to a digest of the list, so
 * another list is another epoch and the mirror reads it again from the start. Pages
 * like the real feed.
 *
 * @example
 * await syncRepoussoirHashes(warehouse, fixedRepoussoirFeed([{ kind: 'email', hmac, scope: 'all' }]));
 */
export function fixedRepoussoirFeed(
  entries: readonly { kind: TRepoussoirKind; hmac: string; scope: TRepoussoirScope | string }[],
  epoch = `fixed-${createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 16)}`,
): TRepoussoirFeed {
  const version = entries.length === 0 ? 0 : 1;
  const changes: TRepoussoirChange[] = entries.map((entry, index) => ({
    id: `${epoch}-${String(index).padStart(9, '0')}`,
    version: 1,
    kind: entry.kind,
    hmac: entry.hmac,
    scope: entry.scope as TRepoussoirScope,
    active: true,
  }));
  return {
    head: async () => ({ epoch, version }),
    changes: async (request) => pageOfChanges(changes, request),
  };
}

/**
 * The page a feed answers from `changes` held in (version, id) order: those after
 * `after`, up to version `upTo`, at most `limit`.
 *
 * @example
 * const feed = { head, changes: async (request) => pageOfChanges(changes, request) };
 */
export function pageOfChanges(
  changes: readonly TRepoussoirChange[],
  request: Parameters<TRepoussoirFeed['changes']>[0],
): TRepoussoirChange[] {
  const { after, upTo, limit } = request;
  return changes
    .filter(
      (change) =>
        change.version <= upTo &&
        (change.version > after.version ||
          (change.version === after.version && after.id !== undefined && change.id > after.id)),
    )
    .slice(0, limit);
}
