import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: { d: 1, c: [2, { f: null, e: 'x' }] }, a: undefined, z: true })).toBe(
      '{"b":{"c":[2,{"e":"x","f":null}],"d":1},"z":true}',
    );
  });

  it('encodes dates as ISO strings and refuses non-finite numbers', () => {
    expect(canonicalJson({ at: new Date('2026-01-02T03:04:05.006Z') })).toBe(
      '{"at":"2026-01-02T03:04:05.006Z"}',
    );
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/non-finite/);
  });

  it('gives the same text whatever the insertion order', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });
});
