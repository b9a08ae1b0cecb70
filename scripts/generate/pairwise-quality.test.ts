import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computePairwiseQuality, readMustNotMerge, readTruth } from './pairwise-quality.ts';

const clusters = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('computePairwiseQuality', () => {
  const truth = clusters({ a: 'P1', b: 'P1', c: 'P1', d: 'P2', e: 'P2', f: 'P3' });

  it('scores a perfect clustering 1 whatever its cluster names', () => {
    const predicted = clusters({ a: 'x', b: 'x', c: 'x', d: 'y', e: 'y', f: 'z' });
    expect(computePairwiseQuality(truth, predicted)).toEqual({
      precision: 1,
      recall: 1,
      f1: 1,
      truePairs: 4,
      predictedPairs: 4,
      correctPairs: 4,
    });
  });

  it('gives full recall and low precision when everything is merged', () => {
    const predicted = clusters({ a: 'x', b: 'x', c: 'x', d: 'x', e: 'x', f: 'x' });
    const quality = computePairwiseQuality(truth, predicted);
    expect(quality).toMatchObject({ truePairs: 4, predictedPairs: 15, correctPairs: 4, recall: 1 });
    expect(quality.precision).toBeCloseTo(4 / 15);
    expect(quality.f1).toBeCloseTo((2 * (4 / 15)) / (4 / 15 + 1));
  });

  it('gives zero recall when everything is split (precision 1: no pair claimed)', () => {
    const predicted = clusters({ a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' });
    expect(computePairwiseQuality(truth, predicted)).toEqual({
      precision: 1,
      recall: 0,
      f1: 0,
      truePairs: 4,
      predictedPairs: 0,
      correctPairs: 0,
    });
  });

  it('computes known numbers on a partly wrong clustering', () => {
    // Truth {a,b,c} {d,e}; predicted {a,b} {c,d,e}: 4 true pairs, 4 predicted, ab and de right.
    const partTruth = clusters({ a: 'P1', b: 'P1', c: 'P1', d: 'P2', e: 'P2' });
    const predicted = clusters({ a: 'x', b: 'x', c: 'y', d: 'y', e: 'y' });
    expect(computePairwiseQuality(partTruth, predicted)).toEqual({
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
      truePairs: 4,
      predictedPairs: 4,
      correctPairs: 2,
    });
  });

  it('only counts records present on both sides', () => {
    const predicted = clusters({ a: 'x', b: 'x', d: 'y', unknown: 'y' });
    expect(computePairwiseQuality(truth, predicted)).toEqual({
      precision: 1,
      recall: 1,
      f1: 1,
      truePairs: 1,
      predictedPairs: 1,
      correctPairs: 1,
    });
  });

  it('treats empty inputs as perfect (nothing to find, nothing claimed)', () => {
    expect(computePairwiseQuality(new Map(), new Map())).toMatchObject({
      precision: 1,
      recall: 1,
      f1: 1,
    });
  });
});

describe('readTruth and readMustNotMerge', () => {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'alliage-truth-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('keys records by member code and customer id', async () => {
    const truthFile = path.join(directory, 'truth.csv');
    await writeFile(
      truthFile,
      [
        'member_code,customer_id,person_key,household_key,expired,tags',
        'M01,C000001,P0000001,H0000001,0,twin|win1252',
        'M02,C000001,P0000002,H0000001,1,',
        '',
      ].join('\n'),
    );
    const truth = await readTruth(truthFile);
    expect([...truth.persons]).toEqual([
      ['M01:C000001', 'P0000001'],
      ['M02:C000001', 'P0000002'],
    ]);
    expect(truth.households.get('M02:C000001')).toBe('H0000001');
    expect([...truth.expired]).toEqual(['M02:C000001']);

    const pairsFile = path.join(directory, 'must-not-merge.csv');
    await writeFile(
      pairsFile,
      'member_code_a,customer_id_a,member_code_b,customer_id_b,case\nM01,C000001,M02,C000001,twin\n',
    );
    expect(await readMustNotMerge(pairsFile)).toEqual([
      { recordKeyA: 'M01:C000001', recordKeyB: 'M02:C000001', case: 'twin' },
    ]);
  });
});
