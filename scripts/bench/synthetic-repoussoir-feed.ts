import { createHash } from 'node:crypto';
import type {
  TRepoussoirChange,
  TRepoussoirFeed,
  TRepoussoirKind,
  TRepoussoirScope,
} from '@alliage/domain';

const KINDS: readonly TRepoussoirKind[] = ['email', 'phone', 'phone', 'postal'];

/** An entry added to the synthetic repoussoir. */
export interface TSyntheticEntry {
  kind: TRepoussoirKind;
  hmac: string;
  scope: TRepoussoirScope;
}

/**
 * A repoussoir feed of national size for the bench, made page by page as the mirror reads
 * it (holding a million entries in JavaScript would count in the bench's peak RSS, which
 * the platform's feed, read from the control plane page by page, never holds): version 1
 * is `generated` entries whose keyed hashes match no one (digests of their index); entries
 * added later (`add`) are version 2, which a mirror at version 1 reads incrementally, as it
 * reads an import into the control plane. Ids `<epoch>-<index>` order as the real feed's.
 *
 * @example
 * const repoussoir = syntheticRepoussoirFeed({ epoch: 'bench', generated: 1_000_000 });
 * repoussoir.add(matchingEntries);
 */
export function syntheticRepoussoirFeed(options: {
  epoch: string;
  generated: number;
}): TRepoussoirFeed & { add(entries: readonly TSyntheticEntry[]): void; size(): number } {
  const { epoch, generated } = options;
  const added: TSyntheticEntry[] = [];
  const headVersion = () => (added.length > 0 ? 2 : generated > 0 ? 1 : 0);
  const versionOf = (index: number) => (index < generated ? 1 : 2);
  const indexOf = (id: string) => Number(id.slice(epoch.length + 1));
  const entryAt = (index: number): TRepoussoirChange => {
    const id = `${epoch}-${String(index).padStart(9, '0')}`;
    const extra = added[index - generated];
    const entry = extra ?? {
      kind: KINDS[index % KINDS.length] as TRepoussoirKind,
      hmac: createHash('sha256').update(`bench-repoussoir-${index}`).digest('hex'),
      scope: index % 10 === 0 ? 'email' : 'all',
    };
    return { id, version: versionOf(index), active: true, ...entry };
  };
  /** The first index after `after` in (version, id) order. */
  const startAfter = (after: { version: number; id?: string }) => {
    if (after.version < 1) return 0;
    const endOfVersion = after.version === 1 ? generated : generated + added.length;
    return after.id === undefined || after.version > 2 ? endOfVersion : indexOf(after.id) + 1;
  };
  return {
    head: async () => ({ epoch, version: headVersion() }),
    changes: async ({ after, upTo, limit }) => {
      const end = upTo >= 2 ? generated + added.length : upTo >= 1 ? generated : 0;
      const page: TRepoussoirChange[] = [];
      for (let index = startAfter(after); index < end && page.length < limit; index++) {
        page.push(entryAt(index));
      }
      return page;
    },
    add(entries) {
      added.push(...entries);
    },
    size: () => generated + added.length,
  };
}
