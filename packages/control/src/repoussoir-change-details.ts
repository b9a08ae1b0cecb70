import type { TRepoussoirHashEntry, TRepoussoirProvenance } from '@alliage/domain';

/** Entries of a change counted by kind and scope, without keeping them (a list may hold millions). */
export interface TRepoussoirEntriesTally {
  count: number;
  kinds: Record<string, number>;
  scopes: Set<string>;
}

/**
 * Adds `entries` to `tally` (a new one when absent) and returns it, so a list read in
 * batches is counted as it goes.
 *
 * @example
 * const tally = tallyRepoussoirEntries(batch); tallyRepoussoirEntries(nextBatch, tally);
 */
export function tallyRepoussoirEntries(
  entries: readonly TRepoussoirHashEntry[],
  tally: TRepoussoirEntriesTally = { count: 0, kinds: {}, scopes: new Set() },
): TRepoussoirEntriesTally {
  for (const entry of entries) {
    tally.kinds[entry.kind] = (tally.kinds[entry.kind] ?? 0) + 1;
    tally.scopes.add(entry.scope);
  }
  tally.count += entries.length;
  return tally;
}

/**
 * Details of a `repoussoir.changed` event: counts, kinds, scopes and source, never a
 * value, a hash or the free-text reference.
 *
 * @example
 * repoussoirChangeDetails({ operation: 'add', tally: tallyRepoussoirEntries(entries), added: 1, source: 'operator' })
 */
export function repoussoirChangeDetails(change: {
  operation: 'add' | 'import';
  tally: TRepoussoirEntriesTally;
  added: number;
  source: TRepoussoirProvenance['source'];
}): Record<string, unknown> {
  return {
    operation: change.operation,
    added: change.added,
    alreadyPresent: change.tally.count - change.added,
    kinds: change.tally.kinds,
    scopes: [...change.tally.scopes].sort(),
    source: change.source,
  };
}
