import { describe, expect, it } from 'vitest';
import { discloseCount } from './disclose-count.ts';
import {
  CELL_KEY_PERTURBATIONS,
  CELL_KEY_RANGE,
  MAX_CELL_KEY_PERTURBATION,
  perturbCount,
} from './perturb-count.ts';

// The key picking entry `index` of the table (keys are read as a fraction of 2^32).
const keyOf = (index: number) => (index * CELL_KEY_RANGE) / CELL_KEY_PERTURBATIONS.length;

describe('perturbCount', () => {
  it('uses a bounded table of zero mean', () => {
    const sum = CELL_KEY_PERTURBATIONS.reduce((total, value) => total + value, 0);
    expect(sum).toBe(0);
    expect(Math.max(...CELL_KEY_PERTURBATIONS.map(Math.abs))).toBe(MAX_CELL_KEY_PERTURBATION);
  });

  it('picks the entry of the key, over the whole key range', () => {
    expect(perturbCount({ exact: 100, cellKey: 0 })).toBe(98);
    expect(perturbCount({ exact: 100, cellKey: keyOf(3) })).toBe(100);
    expect(perturbCount({ exact: 100, cellKey: keyOf(4) - 1 })).toBe(100);
    expect(perturbCount({ exact: 100, cellKey: CELL_KEY_RANGE - 1 })).toBe(102);
  });

  it('keeps an empty cell at 0 and a non-empty one at 1 or more', () => {
    for (let index = 0; index < CELL_KEY_PERTURBATIONS.length; index += 1) {
      expect(perturbCount({ exact: 0, cellKey: keyOf(index) })).toBe(0);
      expect(perturbCount({ exact: 1, cellKey: keyOf(index) })).toBeGreaterThanOrEqual(1);
    }
    expect(
      discloseCount({ exact: 0, threshold: 20, rounding: 10, recent: [], cellKey: keyOf(7) }),
    ).toEqual({ shown: '<20', blurred: false });
  });

  it('refuses keys outside [0, 2^32) and negative counts', () => {
    expect(() => perturbCount({ exact: 5, cellKey: CELL_KEY_RANGE })).toThrow(RangeError);
    expect(() => perturbCount({ exact: 5, cellKey: -1 })).toThrow(RangeError);
    expect(() => perturbCount({ exact: -1, cellKey: 0 })).toThrow(RangeError);
  });

  it('perturbs before the threshold and the rounding, never the anti-differencing distance', () => {
    const disclose = (
      exact: number,
      index: number,
      recent = [] as { exact: number; shown: number }[],
    ) => discloseCount({ exact, threshold: 20, rounding: 10, recent, cellKey: keyOf(index) }).shown;
    // 20 at the threshold: -1 reads "<20", +1 reads 20.
    expect(disclose(20, 1)).toBe('<20');
    expect(disclose(20, 5)).toBe(20);
    // 19 below it: +1 reads 20.
    expect(disclose(19, 5)).toBe(20);
    // 24 on a rounding boundary: +1 reads 30.
    expect(disclose(24, 5)).toBe(30);
    // A recent count 19 away is still within the threshold, whatever the perturbation.
    expect(disclose(60, 7, [{ exact: 41, shown: 40 }])).toBe(40);
  });
});
