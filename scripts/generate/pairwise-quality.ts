import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

/** Pairwise clustering quality: pairs of records put together, right or wrong. */
export interface TPairwiseQuality {
  precision: number;
  recall: number;
  f1: number;
  /** Record pairs in the same true cluster. */
  truePairs: number;
  /** Record pairs in the same predicted cluster. */
  predictedPairs: number;
  /** Record pairs in the same cluster on both sides. */
  correctPairs: number;
}

/** A pair of records of different persons that look alike, from must-not-merge.csv. */
export interface TMustNotMergePair {
  recordKeyA: string;
  recordKeyB: string;
  case: string;
}

/** The truth of a generated pool, keyed by record key `${member_code}:${customer_id}`. */
export interface TPoolTruth {
  persons: Map<string, string>;
  households: Map<string, string>;
  expired: Set<string>;
}

const pairsIn = (size: number): number => (size * (size - 1)) / 2;

/**
 * Pairwise precision, recall and F1 of a predicted clustering against the truth
 * (record key → cluster id), over records present in both maps, in O(n) through
 * the contingency table: correct pairs = Σ C(n_ij, 2) over (true, predicted)
 * cells. With no pair on a side, its ratio is 1 (nothing claimed, nothing missed).
 *
 * @example
 * computePairwiseQuality(new Map([['a', 'P1'], ['b', 'P1']]), new Map([['a', 'x'], ['b', 'y']])).recall // 0
 */
export function computePairwiseQuality(
  truth: Map<string, string>,
  predicted: Map<string, string>,
): TPairwiseQuality {
  const trueSizes = new Map<string, number>();
  const predictedSizes = new Map<string, number>();
  const cellSizes = new Map<string, number>();
  for (const [recordKey, trueCluster] of truth) {
    const predictedCluster = predicted.get(recordKey);
    if (predictedCluster === undefined) continue;
    trueSizes.set(trueCluster, (trueSizes.get(trueCluster) ?? 0) + 1);
    predictedSizes.set(predictedCluster, (predictedSizes.get(predictedCluster) ?? 0) + 1);
    // Cluster ids are printable keys, so a NUL cannot occur inside either of them.
    const cell = `${trueCluster}\u0000${predictedCluster}`;
    cellSizes.set(cell, (cellSizes.get(cell) ?? 0) + 1);
  }
  let truePairs = 0;
  let predictedPairs = 0;
  let correctPairs = 0;
  for (const size of trueSizes.values()) truePairs += pairsIn(size);
  for (const size of predictedSizes.values()) predictedPairs += pairsIn(size);
  for (const size of cellSizes.values()) correctPairs += pairsIn(size);
  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, truePairs, predictedPairs, correctPairs };
}

/**
 * Reads a generated `truth.csv` into maps from record key to person and household,
 * and the set of record keys past retention.
 *
 * @example
 * const { persons } = await readTruth('/tmp/pool/truth.csv'); persons.get('M01:C000001')
 */
export async function readTruth(file: string): Promise<TPoolTruth> {
  const truth: TPoolTruth = { persons: new Map(), households: new Map(), expired: new Set() };
  for await (const row of readCsvObjects(file)) {
    const recordKey = `${row.member_code}:${row.customer_id}`;
    truth.persons.set(recordKey, row.person_key ?? '');
    truth.households.set(recordKey, row.household_key ?? '');
    if (row.expired === '1') truth.expired.add(recordKey);
  }
  return truth;
}

/**
 * Reads a generated `must-not-merge.csv`: record pairs of different persons.
 *
 * @example
 * const pairs = await readMustNotMerge('/tmp/pool/must-not-merge.csv'); pairs[0]?.case // 'twin'
 */
export async function readMustNotMerge(file: string): Promise<TMustNotMergePair[]> {
  const pairs: TMustNotMergePair[] = [];
  for await (const row of readCsvObjects(file)) {
    pairs.push({
      recordKeyA: `${row.member_code_a}:${row.customer_id_a}`,
      recordKeyB: `${row.member_code_b}:${row.customer_id_b}`,
      case: row.case ?? '',
    });
  }
  return pairs;
}

function readCsvObjects(file: string): AsyncIterable<Record<string, string | undefined>> {
  return createReadStream(file).pipe(parse({ columns: true, skip_empty_lines: true }));
}
