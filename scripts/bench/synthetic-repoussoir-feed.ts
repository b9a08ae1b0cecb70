import { createHash } from 'node:crypto';
import type {
  TRepoussoirChange,
  TRepoussoirFeed,
  TRepoussoirKind,
  TRepoussoirScope,
} from '@alliage/domain';

const KINDS: readonly TRepoussoirKind[] = ['email', 'phone', 'phone', 'postal'];

/**
 * A repoussoir feed of national size for the bench, made page by page as the mirror reads
 * it (holding a million entries in JavaScript would count in the bench's peak RSS, which
 * the platform's feed, read from the control plane page by page, never holds): `generated`
 * entries whose keyed hashes match no one (digests of their index), then the `extra` ones
 * given. Every entry is version 1 of `epoch`, ids `<epoch>-<index>` ordered as the real
 * feed's.
 *
 * @example
 * const feed = syntheticRepoussoirFeed({ epoch: 'bench', generated: 1_000_000, extra: [] });
 */
export function syntheticRepoussoirFeed(options: {
  epoch: string;
  generated: number;
  extra: readonly { kind: TRepoussoirKind; hmac: string; scope: TRepoussoirScope }[];
}): TRepoussoirFeed {
  const total = options.generated + options.extra.length;
  const version = total === 0 ? 0 : 1;
  const idOf = (index: number) => `${options.epoch}-${String(index).padStart(9, '0')}`;
  const entryAt = (index: number): TRepoussoirChange => {
    const id = idOf(index);
    const extra = options.extra[index - options.generated];
    if (extra)
      return { id, version, active: true, kind: extra.kind, hmac: extra.hmac, scope: extra.scope };
    return {
      id,
      version,
      active: true,
      kind: KINDS[index % KINDS.length] as TRepoussoirKind,
      hmac: createHash('sha256').update(`bench-repoussoir-${index}`).digest('hex'),
      scope: index % 10 === 0 ? 'email' : 'all',
    };
  };
  return {
    head: async () => ({ epoch: options.epoch, version }),
    changes: async ({ after, upTo, limit }) => {
      // Everything is version 1: a reader past it, or not up to it, gets nothing.
      if (version === 0 || upTo < version || after.version > version) return [];
      if (after.version === version && after.id === undefined) return [];
      const first =
        after.version < version
          ? 0
          : Number((after.id as string).slice(options.epoch.length + 1)) + 1;
      const page: TRepoussoirChange[] = [];
      for (let index = first; index < total && page.length < limit; index++)
        page.push(entryAt(index));
      return page;
    },
  };
}
