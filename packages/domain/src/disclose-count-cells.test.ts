import { describe, expect, it } from 'vitest';
import { channelCellKey, departementCellKey, discloseCountCells } from './disclose-count-cells.ts';

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
        }),
      ).toEqual({
        [postal]: { shown: 60, blurred: false },
        [postal69]: { shown: 20, blurred: true },
        [departementCellKey('postal', '13')]: { shown: 30, blurred: false },
      });
    }
  });

  it('names cells by channel and département', () => {
    expect(channelCellKey('sms')).toBe('channel:sms');
    expect(departementCellKey('postal', '2A')).toBe('departement:postal:2A');
  });
});
