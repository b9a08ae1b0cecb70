/** Candidate links between records (dense indices), with their match weight. */
export interface TWeightedEdges {
  from: ArrayLike<number>;
  to: ArrayLike<number>;
  weight: ArrayLike<number>;
}

export interface ClusterRecordsOptions {
  recordCount: number;
  edges: TWeightedEdges;
  /** True when two records certainly describe different people (cannot-link). */
  conflict: (a: number, b: number) => boolean;
  /** Largest person allowed: beyond it a link is more likely a chain of errors than one human. */
  maxClusterSize?: number;
}

/**
 * Groups records into persons: connected components of the links, built
 * strongest link first, where a link is refused when it would put two
 * conflicting records (twins, father and son…) in one person — directly or
 * through others — or grow a person past `maxClusterSize`. Deterministic for
 * the same input. Returns the cluster label (a member's index) of every record.
 *
 * @example
 * const labels = clusterRecords({ recordCount: 3, edges: { from: [0], to: [1], weight: [12] }, conflict: () => false });
 */
export function clusterRecords(options: ClusterRecordsOptions): Int32Array {
  const { recordCount, edges } = options;
  const maxClusterSize = options.maxClusterSize ?? 32;
  const parent = new Int32Array(recordCount);
  for (let index = 0; index < recordCount; index++) parent[index] = index;
  const members: (number[] | undefined)[] = new Array(recordCount);
  const find = (index: number): number => {
    let root = index;
    while (parent[root] !== root) root = parent[root] as number;
    let node = index;
    while (parent[node] !== root) {
      const next = parent[node] as number;
      parent[node] = root;
      node = next;
    }
    return root;
  };
  const order = Array.from({ length: edges.from.length }, (_, index) => index);
  order.sort(
    (x, y) =>
      (edges.weight[y] as number) - (edges.weight[x] as number) ||
      (edges.from[x] as number) - (edges.from[y] as number) ||
      (edges.to[x] as number) - (edges.to[y] as number),
  );
  for (const edge of order) {
    const rootA = find(edges.from[edge] as number);
    const rootB = find(edges.to[edge] as number);
    if (rootA === rootB) continue;
    const membersA = members[rootA] ?? [rootA];
    const membersB = members[rootB] ?? [rootB];
    if (membersA.length + membersB.length > maxClusterSize) continue;
    if (membersA.some((a) => membersB.some((b) => options.conflict(a, b)))) continue;
    const [big, small] = membersA.length >= membersB.length ? [rootA, rootB] : [rootB, rootA];
    parent[small] = big;
    members[big] =
      membersA.length >= membersB.length ? membersA.concat(membersB) : membersB.concat(membersA);
    members[small] = undefined;
  }
  const labels = new Int32Array(recordCount);
  for (let index = 0; index < recordCount; index++) labels[index] = find(index);
  return labels;
}
