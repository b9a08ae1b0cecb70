import { seededRandom } from '@alliage/domain/testing';
import { describe, expect, it } from 'vitest';
import { assignRowIds } from './assign-row-ids.ts';
import { createSecureRandom } from './create-secure-random.ts';

describe('assignRowIds', () => {
  it('gives every row a unique R + 10 Crockford base32 ID and keeps the rest', () => {
    const rows = Array.from({ length: 10_000 }, (_, index) => ({
      rowId: '',
      lastName: `N${index}`,
      ...(index % 1000 === 0 ? { seed: true as const } : {}),
    }));
    const withIds = assignRowIds(rows, seededRandom(1));
    expect(withIds).toHaveLength(rows.length);
    for (const row of withIds) expect(row.rowId).toMatch(/^R[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(new Set(withIds.map((row) => row.rowId)).size).toBe(rows.length);
    expect(withIds.map((row) => row.lastName)).toEqual(rows.map((row) => row.lastName));
    expect(withIds.filter((row) => 'seed' in row)).toHaveLength(10);
    expect(rows[0]!.rowId).toBe('');
  });

  it('draws different IDs for the same rows in another delivery', () => {
    const rows = [{ rowId: 'R0000000000' }, { rowId: 'R0000000001' }];
    const first = assignRowIds(rows, createSecureRandom());
    const second = assignRowIds(rows, createSecureRandom());
    expect(first[0]!.rowId).not.toBe(second[0]!.rowId);
    expect(first[0]!.rowId).not.toBe('R0000000000');
  });

  it('fails loudly on a random source that repeats', () => {
    expect(() => assignRowIds([{ rowId: '' }, { rowId: '' }], () => 0.5)).toThrow(
      'could not draw a unique row ID: the random source repeats',
    );
  });
});
