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
  // Typed arrays and one sort, not maps of maps: a full build passes 1M records and
  // 600k persons, where a map entry and an object per vote held ~0.3 GiB of heap.
  const count = options.clusterOf.length;
  const { dense, clusters } = denseClusters(options.clusterOf);
  const previousOf = new Float64Array(count);
  let voters = 0;
  for (let item = 0; item < count; item++) {
    const previous = options.previousIdOf[item];
    previousOf[item] = previous ?? Number.NaN;
    if (previous !== null && previous !== undefined) voters += 1;
  }
  // Items with a previous ID, by (previous ID, cluster, item).
  const items = new Uint32Array(voters);
  for (let item = 0, next = 0; item < count; item++) {
    if (!Number.isNaN(previousOf[item] as number)) items[next++] = item;
  }
  items.sort(
    (a, b) =>
      (previousOf[a] as number) - (previousOf[b] as number) ||
      (dense[a] as number) - (dense[b] as number) ||
      a - b,
  );
  // Each previous ID goes to the cluster holding most of its items (ties: the cluster of
  // its lowest item). Previous IDs come in ascending order, so a cluster's first offer is
  // its oldest ID and every later one retires into it.
  const offeredOf = new Float64Array(clusters).fill(Number.NaN);
  const previousIds: number[] = [];
  const merged: { cluster: number; id: number }[] = [];
  for (let start = 0; start < voters; ) {
    const previous = previousOf[items[start] as number] as number;
    let end = start;
    let best = -1;
    let bestCount = 0;
    let bestFirst = 0;
    while (end < voters && previousOf[items[end] as number] === previous) {
      const cluster = dense[items[end] as number] as number;
      const first = items[end] as number;
      let runEnd = end;
      while (
        runEnd < voters &&
        previousOf[items[runEnd] as number] === previous &&
        dense[items[runEnd] as number] === cluster
      ) {
        runEnd += 1;
      }
      const votes = runEnd - end;
      if (best < 0 || votes > bestCount || (votes === bestCount && first < bestFirst)) {
        best = cluster;
        bestCount = votes;
        bestFirst = first;
      }
      end = runEnd;
    }
    previousIds.push(previous);
    if (Number.isNaN(offeredOf[best] as number)) offeredOf[best] = previous;
    else merged.push({ cluster: best, id: previous });
    start = end;
  }
  // Clusters in order of their first item (their dense index), so new IDs come out
  // deterministically.
  const idOfCluster = new Float64Array(clusters);
  const created: number[] = [];
  for (let cluster = 0; cluster < clusters; cluster++) {
    const offered = offeredOf[cluster] as number;
    if (Number.isNaN(offered)) {
      const id = options.nextId();
      created.push(id);
      idOfCluster[cluster] = id;
    } else {
      idOfCluster[cluster] = offered;
    }
  }
  merged.sort((a, b) => a.cluster - b.cluster || a.id - b.id);
  const retired: TRetiredId[] = merged.map(({ cluster, id }) => ({
    id,
    successorId: idOfCluster[cluster] as number,
    reason: 'merged',
  }));
  const gone = new Set<number>();
  for (const previous of options.affectedPreviousIds ?? []) {
    if (gone.has(previous) || sortedIncludes(previousIds, previous)) continue;
    gone.add(previous);
    retired.push({ id: previous, successorId: null, reason: 'gone' });
  }
  const idOf = new Float64Array(count);
  for (let item = 0; item < count; item++) {
    idOf[item] = idOfCluster[dense[item] as number] as number;
  }
  return { idOf, retired, created };
}

/** Cluster labels renumbered 0, 1, 2… in order of each cluster's first item. */
function denseClusters(clusterOf: ArrayLike<number>): { dense: Int32Array; clusters: number } {
  const count = clusterOf.length;
  const dense = new Int32Array(count);
  let maxLabel = -1;
  let small = true;
  for (let item = 0; item < count && small; item++) {
    const label = clusterOf[item] as number;
    small = Number.isInteger(label) && label >= 0 && label <= 2 * count + 16;
    if (label > maxLabel) maxLabel = label;
  }
  let clusters = 0;
  if (small) {
    const index = new Int32Array(maxLabel + 1).fill(-1);
    for (let item = 0; item < count; item++) {
      const label = clusterOf[item] as number;
      if ((index[label] as number) < 0) index[label] = clusters++;
      dense[item] = index[label] as number;
    }
  } else {
    const index = new Map<number, number>();
    for (let item = 0; item < count; item++) {
      const label = clusterOf[item] as number;
      let known = index.get(label);
      if (known === undefined) {
        known = clusters++;
        index.set(label, known);
      }
      dense[item] = known;
    }
  }
  return { dense, clusters };
}

function sortedIncludes(sorted: number[], value: number): boolean {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = sorted[middle] as number;
    if (found === value) return true;
    if (found < value) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}
