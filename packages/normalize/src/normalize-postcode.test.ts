import { describe, expect, it } from 'vitest';
import { normalizePostcode } from './normalize-postcode.ts';

describe('normalizePostcode', () => {
  it('keeps a 5-digit postcode', () => {
    expect(normalizePostcode('75015')).toEqual({ ok: true, value: '75015' });
  });

  it('reads a blank postcode as missing', () => {
    expect(normalizePostcode('')).toEqual({ ok: true, value: null });
    expect(normalizePostcode('   ')).toEqual({ ok: true, value: null });
  });

  it('removes spaces, including non-breaking ones', () => {
    expect(normalizePostcode(' 75 001 ')).toEqual({ ok: true, value: '75001' });
    expect(normalizePostcode('13\u00a0008')).toEqual({ ok: true, value: '13008' });
  });

  it('restores the leading zero a spreadsheet dropped (Bourg-en-Bresse 01000)', () => {
    expect(normalizePostcode('1000')).toEqual({ ok: true, value: '01000' });
    expect(normalizePostcode('6000')).toEqual({ ok: true, value: '06000' });
  });

  it('accepts Corsica and overseas postcodes as they are numeric', () => {
    expect(normalizePostcode('20000')).toEqual({ ok: true, value: '20000' });
    expect(normalizePostcode('20200')).toEqual({ ok: true, value: '20200' });
    expect(normalizePostcode('97400')).toEqual({ ok: true, value: '97400' });
  });

  it('rejects what is not 5 digits without quoting it', () => {
    for (const raw of ['750', '750150', '2A000', 'F-75015', '75O15']) {
      const result = normalizePostcode(raw);
      expect(result).toEqual({ ok: false, reason: 'not a 5-digit postcode' });
    }
  });
});
