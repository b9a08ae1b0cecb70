import { describe, expect, it } from 'vitest';
import { isPastRetention, retentionCutoff } from './retention-cutoff.ts';

describe('retentionCutoff', () => {
  it('goes back the retention in months', () => {
    expect(retentionCutoff('2026-11-23', 36)).toBe('2023-11-23');
    expect(retentionCutoff('2026-01-15', 1)).toBe('2025-12-15');
    expect(retentionCutoff('2026-11-23', 0)).toBe('2026-11-23');
  });

  it('clamps to the end of a shorter month, leap years included', () => {
    expect(retentionCutoff('2026-05-31', 3)).toBe('2026-02-28');
    expect(retentionCutoff('2027-02-28', 12)).toBe('2026-02-28');
    expect(retentionCutoff('2028-03-31', 1)).toBe('2028-02-29');
  });

  it('never keeps more than 36 months', () => {
    expect(retentionCutoff('2026-11-23', 48)).toBe('2023-11-23');
  });
});

describe('isPastRetention', () => {
  const cutoff = '2023-11-23';
  it('uses the last transaction, or the collection date of a prospect', () => {
    expect(
      isPastRetention({ lastTransaction: '2023-11-22', createdAt: '2026-01-01' }, cutoff),
    ).toBe(true);
    expect(
      isPastRetention({ lastTransaction: '2023-11-23', createdAt: '2020-01-01' }, cutoff),
    ).toBe(false);
    expect(isPastRetention({ lastTransaction: null, createdAt: '2023-11-22' }, cutoff)).toBe(true);
    expect(isPastRetention({ lastTransaction: null, createdAt: '2024-01-01' }, cutoff)).toBe(false);
  });
});
