import { describe, expect, it } from 'vitest';
import { neutraliseCsvCell } from './neutralise-csv-cell.ts';

describe('neutraliseCsvCell', () => {
  it('prefixes every formula trigger with an apostrophe', () => {
    expect(neutraliseCsvCell('=1+1')).toBe("'=1+1");
    expect(neutraliseCsvCell('+33612345678')).toBe("'+33612345678");
    expect(neutraliseCsvCell('-2+3')).toBe("'-2+3");
    expect(neutraliseCsvCell('@SUM(A1:A2)')).toBe("'@SUM(A1:A2)");
    expect(neutraliseCsvCell('\t=cmd')).toBe("'\t=cmd");
    expect(neutraliseCsvCell('\r=cmd')).toBe("'\r=cmd");
  });

  it('leaves other values alone, triggers inside a value included', () => {
    for (const value of ['', 'DUPONT', "D'ARC", 'JEAN-PIERRE', 'a=b', ' =1', '0612345678', "'x"]) {
      expect(neutraliseCsvCell(value)).toBe(value);
    }
  });
});
