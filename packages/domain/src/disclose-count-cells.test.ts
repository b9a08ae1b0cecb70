import { describe, expect, it } from 'vitest';
import { channelCellKey, departementCellKey, discloseCountCells } from './disclose-count-cells.ts';

// Cell keys picking the table's entries 0 (index 3) and -1 (index 1): keys are read as a
// fraction of 2^32, so entry i is picked by [i, i + 1) * 2^29.
const ZERO_KEY = 3 * 2 ** 29;
const MINUS_ONE_KEY = 2 ** 29;

describe('discloseCountCells', () => {
  const postal69 = departementCellKey('postal', '69');
  const postal = channelCellKey('postal');

  it('compares each cell with the same cell of the recent counts only', () => {
    const recent = [
      { [postal]: { exact: 24, shown: 20 }, [postal69]: { exact: 24, shown: 20 } },
      // Another channel's by-département value is another cell.
      { [departementCellKey('email', '69')]: { exact: 25, shown: 30 } },
    ];
    // The département one person away from a recent one reads the same; the total, far
    // from every recent total, is rounded afresh.
    for (const exact69 of [24, 25]) {
      expect(
        discloseCountCells({
          cells: {
            [postal]: exact69 + 33,
            [postal69]: exact69,
            [departementCellKey('postal', '13')]: 33,
          },
          threshold: 20,
          rounding: 10,
          recent,
          // Keys picking a perturbation of 0 (the middle of the table), to read the rules alone.
          cellKeys: {
            [postal]: ZERO_KEY,
            [postal69]: ZERO_KEY,
            [departementCellKey('postal', '13')]: ZERO_KEY,
          },
        }),
      ).toEqual({
        [postal]: { shown: 60, blurred: false },
        [postal69]: { shown: 20, blurred: true },
        [departementCellKey('postal', '13')]: { shown: 30, blurred: false },
      });
    }
  });

  it('perturbs each cell by its own key, and refuses a cell without one', () => {
    const cells = { [postal]: 25, [postal69]: 25 };
    // 25 is a rounding boundary: -1 shows 20, +0 shows 30.
    expect(
      discloseCountCells({
        cells,
        threshold: 20,
        rounding: 10,
        recent: [],
        cellKeys: { [postal]: ZERO_KEY, [postal69]: MINUS_ONE_KEY },
      }),
    ).toEqual({
      [postal]: { shown: 30, blurred: false },
      [postal69]: { shown: 20, blurred: false },
    });
    expect(() =>
      discloseCountCells({ cells, threshold: 20, rounding: 10, recent: [], cellKeys: {} }),
    ).toThrow(RangeError);
  });

  it('names cells by channel and département', () => {
    expect(channelCellKey('sms')).toBe('channel:sms');
    expect(departementCellKey('postal', '2A')).toBe('departement:postal:2A');
  });
});
