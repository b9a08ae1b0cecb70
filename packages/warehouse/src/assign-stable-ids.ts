/** An ID that no longer describes anyone: merged into another, or gone with its records. */
export interface TRetiredId {
  id: number;
  successorId: number | null;
  reason: 'merged' | 'gone';
}

export interface AssignStableIdsOptions {
  /** Cluster label of each item (items with the same label form one entity). */
  clusterOf: ArrayLike<number>;
  /** The entity ID each item had before, if any. */
  previousIdOf: ArrayLike<number | null>;
  /** Previous IDs of the affected entities whose items all left (they retire as gone). */
  affectedPreviousIds?: Iterable<number>;
  /** Hands out a fresh ID (greater than every ID given before). */
  nextId: () => number;
}

/**
 * Gives each cluster a stable ID: every previous ID goes to the cluster holding
 * most of its items (ties: the cluster of its lowest item); a cluster keeps the
 * oldest (smallest) ID it was given and the others retire as merged into it; a
 * cluster with none gets a new ID; a previous ID with no item left retires as
 * gone. So a rebuild keeps every ID that still describes the same people.
 *
 * @example
 * assignStableIds({ clusterOf: [0, 0], previousIdOf: [7, 3], nextId }) // ids [3, 3], 7 merged into 3
 */
export function assignStableIds(options: AssignStableIdsOptions): {
  idOf: Float64Array;
  retired: TRetiredId[];
  created: number[];
} {
  const count = options.clusterOf.length;
  // votes: previous ID → cluster → item count (and the first item seen, for ties)
  const votes = new Map<number, Map<number, { count: number; first: number }>>();
  for (let item = 0; item < count; item++) {
    const previous = options.previousIdOf[item];
    if (previous === null || previous === undefined) continue;
    const cluster = options.clusterOf[item] as number;
    let byCluster = votes.get(previous);
    if (!byCluster) {
      byCluster = new Map();
      votes.set(previous, byCluster);
    }
    const vote = byCluster.get(cluster);
    if (vote) vote.count += 1;
    else byCluster.set(cluster, { count: 1, first: item });
  }
  const offered = new Map<number, number[]>();
  for (const [previous, byCluster] of votes) {
    let best: { cluster: number; count: number; first: number } | null = null;
    for (const [cluster, vote] of byCluster) {
      if (
        !best ||
        vote.count > best.count ||
        (vote.count === best.count && vote.first < best.first)
      ) {
        best = { cluster, ...vote };
      }
    }
    if (!best) continue;
    const list = offered.get(best.cluster) ?? [];
    list.push(previous);
    offered.set(best.cluster, list);
  }
  const chosen = new Map<number, number>();
  const retired: TRetiredId[] = [];
  const created: number[] = [];
  const kept = new Set<number>();
  // Clusters in order of their first item, so new IDs come out deterministically.
  for (let item = 0; item < count; item++) {
    const cluster = options.clusterOf[item] as number;
    if (chosen.has(cluster)) continue;
    const candidates = (offered.get(cluster) ?? []).sort((a, b) => a - b);
    const id = candidates[0] ?? options.nextId();
    if (candidates.length === 0) created.push(id);
    else kept.add(id);
    for (const other of candidates.slice(1)) {
      retired.push({ id: other, successorId: id, reason: 'merged' });
      kept.add(other);
    }
    chosen.set(cluster, id);
  }
  for (const previous of options.affectedPreviousIds ?? []) {
    if (!kept.has(previous)) {
      retired.push({ id: previous, successorId: null, reason: 'gone' });
      kept.add(previous);
    }
  }
  const idOf = new Float64Array(count);
  for (let item = 0; item < count; item++) {
    idOf[item] = chosen.get(options.clusterOf[item] as number) as number;
  }
  return { idOf, retired, created };
}
