import { describe, expect, it } from 'vitest';
import { createKeyedRandom } from './create-keyed-random.ts';

const key = (byte: number) => new Uint8Array(32).fill(byte);

describe('createKeyedRandom', () => {
  it('repeats its sequence for a key, across blocks, and looks uniform', () => {
    // More than one block of 8192 words (4096 numbers).
    const draw = (random: () => number) => Array.from({ length: 10_000 }, () => random());
    const values = draw(createKeyedRandom(key(1)));
    expect(draw(createKeyedRandom(key(1)))).toEqual(values);
    expect(new Set(values).size).toBe(values.length);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    // Mean of 10,000 uniform draws: 0.5 give or take 0.003 (one standard deviation).
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.015);
  });

  it('draws another sequence under another key, and refuses a short key', () => {
    const one = createKeyedRandom(key(1));
    const two = createKeyedRandom(key(2));
    expect([one(), one(), one()]).not.toEqual([two(), two(), two()]);
    expect(() => createKeyedRandom(new Uint8Array(16))).toThrow(/32-byte key/);
  });
});
