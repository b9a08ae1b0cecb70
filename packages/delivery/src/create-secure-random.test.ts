import { describe, expect, it } from 'vitest';
import { createSecureRandom } from './create-secure-random.ts';

describe('createSecureRandom', () => {
  it('returns numbers in [0, 1) that look uniform', () => {
    const random = createSecureRandom();
    const halves = [0, 0];
    const values = new Set<number>();
    for (let draw = 0; draw < 10_000; draw += 1) {
      const value = random();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      halves[value < 0.5 ? 0 : 1]! += 1;
      values.add(value);
    }
    expect(values.size).toBe(10_000);
    expect(halves[0]).toBeGreaterThan(4_700);
    expect(halves[1]).toBeGreaterThan(4_700);
  });
});
