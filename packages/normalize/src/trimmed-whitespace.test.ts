import { describe, expect, it } from 'vitest';
import { TRIMMED_WHITESPACE } from './trimmed-whitespace.ts';

describe('TRIMMED_WHITESPACE', () => {
  it('is exactly the set of characters String.prototype.trim strips', () => {
    const stripped: string[] = [];
    for (let code = 0; code <= 0xffff; code += 1) {
      const character = String.fromCharCode(code);
      if (`${character}x`.trim() === 'x') stripped.push(character);
    }
    expect([...TRIMMED_WHITESPACE].sort()).toEqual(stripped.sort());
  });
});
