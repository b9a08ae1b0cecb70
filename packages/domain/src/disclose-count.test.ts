import { describe, expect, it } from 'vitest';
import { discloseCount, type TDisclosedCount, type TRecentCount } from './disclose-count.ts';
import { seededRandom } from './testing/index.ts';

describe('discloseCount', () => {
  it('shows a count below the threshold as "<threshold", never as a number', () => {
    expect(discloseCount({ exact: 0, threshold: 20, rounding: 10, recent: [] })).toEqual({
      shown: '<20',
      blurred: false,
    });
    expect(discloseCount({ exact: 19, threshold: 20, rounding: 1, recent: [] }).shown).toBe('<20');
    expect(discloseCount({ exact: 20, threshold: 20, rounding: 1, recent: [] }).shown).toBe(20);
  });

  it('rounds to the nearest multiple, never below the threshold', () => {
    expect(discloseCount({ exact: 1234, threshold: 20, rounding: 10, recent: [] }).shown).toBe(
      1230,
    );
    expect(discloseCount({ exact: 1235, threshold: 20, rounding: 10, recent: [] }).shown).toBe(
      1240,
    );
    expect(discloseCount({ exact: 1234, threshold: 20, rounding: 1, recent: [] }).shown).toBe(1234);
    // 24 rounds to 0 with rounding 50: shown as the threshold, not as a small number.
    expect(discloseCount({ exact: 24, threshold: 20, rounding: 50, recent: [] }).shown).toBe(20);
  });

  it('repeats the closest recent count when the difference is below the threshold', () => {
    const recent: TRecentCount[] = [
      { exact: 1000, shown: 1000 },
      { exact: 1231, shown: 1230 },
      { exact: 1240, shown: 1240 },
    ];
    expect(discloseCount({ exact: 1232, threshold: 20, rounding: 1, recent })).toEqual({
      shown: 1230,
      blurred: true,
    });
    // An identical count gets the same answer as before, even with another count near it.
    expect(discloseCount({ exact: 1231, threshold: 20, rounding: 1, recent })).toEqual({
      shown: 1230,
      blurred: true,
    });
    // ...and the same kind of answer as a near one: the flag does not tell them apart.
    expect(discloseCount({ exact: 1000, threshold: 20, rounding: 1, recent })).toEqual({
      shown: 1000,
      blurred: true,
    });
    expect(discloseCount({ exact: 1001, threshold: 20, rounding: 1, recent })).toEqual({
      shown: 1000,
      blurred: true,
    });
    // Far from every recent count: shown normally.
    expect(discloseCount({ exact: 1500, threshold: 20, rounding: 1, recent })).toEqual({
      shown: 1500,
      blurred: false,
    });
    // Close to a count that was itself shown as "<20": repeats "<20".
    expect(
      discloseCount({
        exact: 25,
        threshold: 20,
        rounding: 1,
        recent: [{ exact: 10, shown: '<20' }],
      }),
    ).toEqual({ shown: '<20', blurred: true });
  });

  it('refuses non-integer or out-of-range inputs', () => {
    expect(() => discloseCount({ exact: -1, threshold: 20, rounding: 1, recent: [] })).toThrow(
      RangeError,
    );
    expect(() => discloseCount({ exact: 1.5, threshold: 20, rounding: 1, recent: [] })).toThrow();
    expect(() => discloseCount({ exact: 5, threshold: 0, rounding: 1, recent: [] })).toThrow();
    expect(() => discloseCount({ exact: 5, threshold: 20, rounding: 0, recent: [] })).toThrow();
  });

  it('never lets a client difference two counts closer than the threshold (random sessions)', () => {
    const random = seededRandom(20261203);
    const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
    for (let session = 0; session < 300; session += 1) {
      const threshold = int(1, 50);
      const rounding = [1, 5, 10, 50, 100][int(0, 4)] ?? 1;
      const base = int(0, 3000);
      const recent: TRecentCount[] = [];
      for (let step = 0; step < 40; step += 1) {
        // Mostly near-identical selections (the attack), sometimes far ones.
        const exact = random() < 0.8 ? Math.max(0, base + int(-60, 60)) : int(0, 100_000);
        const { shown, blurred } = discloseCount({ exact, threshold, rounding, recent });

        const near = recent.filter((r) => Math.abs(r.exact - exact) < threshold);
        if (exact < threshold && near.length === 0) {
          expect(shown).toBe(`<${threshold}`);
        }
        if (near.length > 0) {
          // The answer is a copy of what the closest near count showed: nothing new is learnt.
          const distance = Math.min(...near.map((r) => Math.abs(r.exact - exact)));
          const closest = near.find((r) => Math.abs(r.exact - exact) === distance);
          expect(shown).toBe(closest?.shown);
        }
        // Distance 0 or not, a near count is flagged alike.
        expect(blurred).toBe(near.length > 0);
        if (typeof shown === 'number') {
          expect(shown).toBeGreaterThanOrEqual(threshold);
          if (!blurred && shown > threshold) {
            expect(Math.abs(shown - exact)).toBeLessThanOrEqual(rounding / 2);
          }
        } else {
          expect(shown).toMatch(/^<\d+$/);
        }
        recent.push({ exact, shown });
      }
    }
  });

  it('shows a small count only as "<threshold" or as a near recent count was shown (random inputs)', () => {
    const random = seededRandom(7);
    const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
    for (let index = 0; index < 2000; index += 1) {
      const threshold = int(1, 100);
      const exact = int(0, threshold - 1);
      const recent = Array.from({ length: int(0, 5) }, () => {
        const shown: TDisclosedCount = random() < 0.5 ? int(threshold, 500) : `<${threshold}`;
        return { exact: int(0, 500), shown };
      });
      const result = discloseCount({ exact, threshold, rounding: int(1, 20), recent });
      const near = recent.filter((r) => Math.abs(r.exact - exact) < threshold);
      if (near.length === 0) {
        expect(result).toEqual({ shown: `<${threshold}`, blurred: false });
      } else {
        expect(near.map((r) => r.shown)).toContain(result.shown);
        expect(result.blurred).toBe(true);
      }
    }
  });

  it('answers a selection one person below a count shown at the threshold as that count, whoever it holds', () => {
    // A: 20 persons, shown 20. B: A without one person (19), or a repeat of A (20).
    for (let cellKey = 0; cellKey < 200; cellKey += 1) {
      const recent: TRecentCount[] = [{ exact: 20, shown: 20 }];
      for (const exact of [19, 20]) {
        expect(discloseCount({ exact, threshold: 20, rounding: 1, recent, cellKey })).toEqual({
          shown: 20,
          blurred: true,
        });
      }
    }
  });
});
