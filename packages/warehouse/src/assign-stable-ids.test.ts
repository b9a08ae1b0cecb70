import { describe, expect, it } from 'vitest';
import { assignStableIds } from './assign-stable-ids.ts';
import { clusterRecords } from './cluster-records.ts';

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
});

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
