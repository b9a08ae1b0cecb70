import { seededRandom } from '@alliage/domain/testing';
import { describe, expect, it } from 'vitest';
import { interleaveSeeds } from './interleave-seeds.ts';

describe('interleaveSeeds', () => {
  const rows = Array.from({ length: 50 }, (_, index) => `row${index}`);
  const seeds = ['seedA', 'seedB', 'seedC'];

  it('keeps every row and seed exactly once', () => {
    const mixed = interleaveSeeds(rows, seeds, seededRandom(1));
    expect(mixed).toHaveLength(53);
    expect([...mixed].sort()).toEqual([...rows, ...seeds].sort());
  });

  it('does not leave the seeds at the end nor the rows in their order', () => {
    const mixed = interleaveSeeds(rows, seeds, seededRandom(2));
    expect(mixed.slice(-3)).not.toEqual(seeds);
    expect(mixed.filter((row) => row.startsWith('row'))).not.toEqual(rows);
  });

  it('spreads seed positions uniformly over many deliveries', () => {
    const random = seededRandom(3);
    const tenths = new Array<number>(10).fill(0);
    const runs = 2000;
    for (let run = 0; run < runs; run += 1) {
      const mixed = interleaveSeeds(rows, ['seed'], random);
      tenths[Math.floor((mixed.indexOf('seed') / mixed.length) * 10)]! += 1;
    }
    // 200 expected per tenth; 130..270 is far outside chance for a uniform draw.
    for (const count of tenths) {
      expect(count).toBeGreaterThan(130);
      expect(count).toBeLessThan(270);
    }
  });

  it('does not modify its inputs', () => {
    const rowsCopy = [...rows];
    interleaveSeeds(rows, seeds, seededRandom(4));
    expect(rows).toEqual(rowsCopy);
  });
});
