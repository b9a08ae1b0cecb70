import { describe, expect, it } from 'vitest';
import { assignStableIds, type TRetiredId } from './assign-stable-ids.ts';
import { clusterRecords } from './cluster-records.ts';
import { seededRandom } from './testing/index.ts';

function counter(start: number) {
  let next = start;
  return () => next++;
}

describe('assignStableIds', () => {
  it('keeps IDs of unchanged clusters and gives new clusters new IDs', () => {
    const result = assignStableIds({
      clusterOf: [0, 0, 2, 3],
      previousIdOf: [5, 5, 9, null],
      nextId: counter(100),
    });
    expect(Array.from(result.idOf)).toEqual([5, 5, 9, 100]);
    expect(result.created).toEqual([100]);
    expect(result.retired).toEqual([]);
  });

  it('keeps the older ID on a merge and retires the other', () => {
    const result = assignStableIds({
      clusterOf: [1, 1, 1],
      previousIdOf: [8, 3, 8],
      nextId: counter(100),
    });
    expect(Array.from(result.idOf)).toEqual([3, 3, 3]);
    expect(result.retired).toEqual([{ id: 8, successorId: 3, reason: 'merged' }]);
  });

  it('gives a split person ID to its larger part and a new one to the rest', () => {
    const result = assignStableIds({
      clusterOf: [0, 1, 1],
      previousIdOf: [4, 4, 4],
      nextId: counter(100),
    });
    expect(Array.from(result.idOf)).toEqual([100, 4, 4]);
  });

  it('retires IDs whose records all left', () => {
    const result = assignStableIds({
      clusterOf: [0],
      previousIdOf: [1],
      affectedPreviousIds: [1, 2],
      nextId: counter(100),
    });
    expect(result.retired).toEqual([{ id: 2, successorId: null, reason: 'gone' }]);
  });

  it('breaks a tie between clusters in favour of the cluster of the lowest item', () => {
    const result = assignStableIds({
      clusterOf: [7, 3, 3, 7],
      previousIdOf: [5, 5, null, null],
      nextId: counter(100),
    });
    expect(Array.from(result.idOf)).toEqual([5, 100, 100, 5]);
  });

  it('agrees with the straightforward definition on random splits, merges and labels', () => {
    const random = seededRandom(20261205);
    const pick = (below: number) => Math.floor(random() * below);
    for (let round = 0; round < 400; round++) {
      const count = 1 + pick(40);
      const labelSpace = 1 + pick(count);
      // Some rounds use labels far from 0..count (as dwelling ranks or arbitrary numbers are).
      const offset = round % 3 === 0 ? 1_000_000 : 0;
      const clusterOf = Array.from({ length: count }, () => offset + pick(labelSpace));
      const previousIdOf = Array.from({ length: count }, () =>
        random() < 0.3 ? null : 1 + pick(1 + pick(12)),
      );
      const affectedPreviousIds = Array.from({ length: pick(6) }, () => 1 + pick(20));
      const options = { clusterOf, previousIdOf, affectedPreviousIds };
      const actual = assignStableIds({ ...options, nextId: counter(1000) });
      const expected = referenceAssign({ ...options, nextId: counter(1000) });
      expect(Array.from(actual.idOf)).toEqual(expected.idOf);
      expect(actual.created).toEqual(expected.created);
      expect(actual.retired).toEqual(expected.retired);
    }
  });
});

/** The rule as the doc comment states it, with maps and no care for memory: the oracle. */
function referenceAssign(options: {
  clusterOf: number[];
  previousIdOf: (number | null)[];
  affectedPreviousIds: number[];
  nextId: () => number;
}): { idOf: number[]; retired: TRetiredId[]; created: number[] } {
  const { clusterOf, previousIdOf } = options;
  const votes = new Map<number, Map<number, { count: number; first: number }>>();
  clusterOf.forEach((cluster, item) => {
    const previous = previousIdOf[item];
    if (previous === null || previous === undefined) return;
    const byCluster = votes.get(previous) ?? new Map();
    votes.set(previous, byCluster);
    const vote = byCluster.get(cluster);
    if (vote) vote.count += 1;
    else byCluster.set(cluster, { count: 1, first: item });
  });
  const offered = new Map<number, number[]>();
  for (const [previous, byCluster] of votes) {
    const [best] = [...byCluster].sort(
      ([, a], [, b]) => b.count - a.count || a.first - b.first,
    )[0] as [number, unknown];
    offered.set(best, [...(offered.get(best) ?? []), previous]);
  }
  const chosen = new Map<number, number>();
  const retired: TRetiredId[] = [];
  const created: number[] = [];
  for (const cluster of clusterOf) {
    if (chosen.has(cluster)) continue;
    const candidates = (offered.get(cluster) ?? []).sort((a, b) => a - b);
    const id = candidates[0] ?? options.nextId();
    if (candidates.length === 0) created.push(id);
    for (const other of candidates.slice(1)) {
      retired.push({ id: other, successorId: id, reason: 'merged' });
    }
    chosen.set(cluster, id);
  }
  const kept = new Set(votes.keys());
  for (const previous of options.affectedPreviousIds) {
    if (kept.has(previous)) continue;
    kept.add(previous);
    retired.push({ id: previous, successorId: null, reason: 'gone' });
  }
  return { idOf: clusterOf.map((cluster) => chosen.get(cluster) as number), retired, created };
}

describe('clusterRecords', () => {
  it('forms connected components, strongest links first', () => {
    const labels = clusterRecords({
      recordCount: 5,
      edges: { from: [0, 1, 3], to: [1, 2, 4], weight: [10, 9, 8] },
      conflict: () => false,
    });
    expect(labels[0]).toBe(labels[2]);
    expect(labels[3]).toBe(labels[4]);
    expect(labels[0]).not.toBe(labels[3]);
  });

  it('never joins conflicting records, even through a third one', () => {
    // 0 and 2 are twins; 1 is an ambiguous record linked to both.
    const labels = clusterRecords({
      recordCount: 3,
      edges: { from: [0, 1], to: [1, 2], weight: [12, 10] },
      conflict: (a, b) => (a === 0 && b === 2) || (a === 2 && b === 0),
    });
    expect(labels[0]).toBe(labels[1]);
    expect(labels[2]).not.toBe(labels[0]);
  });

  it('caps the size of a person', () => {
    const from = [0, 1, 2];
    const labels = clusterRecords({
      recordCount: 4,
      edges: { from, to: [1, 2, 3], weight: [3, 2, 1] },
      conflict: () => false,
      maxClusterSize: 2,
    });
    expect(new Set(labels).size).toBe(2);
  });
});
