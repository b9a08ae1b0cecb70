import { AppError } from '@alliage/domain';
import { describe, expect, it } from 'vitest';
import { asRetryableResourceError } from './as-retryable-resource-error.ts';
import { duckdbErrorType } from './duckdb-error-type.ts';

// Messages as DuckDB words them (the paths are the pool's, never a member's value).
const OUT_OF_MEMORY = new Error(
  'Out of Memory Error: failed to allocate data of size 4.0 MiB (7.9 MiB/8.0 MiB used)',
);
const WAL_FULL = new Error(
  'TransactionContext Error: Failed to commit: Could not write file "/data/pool/pool.duckdb.wal": No space left on device',
);
const SPILL_FULL = new Error(
  'IO Error: Could not write file "/data/pool/.tmp/duckdb_temp_storage-4.tmp": Disk quota exceeded',
);

describe('duckdbErrorType', () => {
  it('reads the exception type DuckDB puts first, and nothing else', () => {
    expect(duckdbErrorType(OUT_OF_MEMORY)).toBe('Out of Memory');
    expect(duckdbErrorType(WAL_FULL)).toBe('TransactionContext');
    expect(duckdbErrorType(SPILL_FULL)).toBe('IO');
    expect(duckdbErrorType(new Error('boom'))).toBe('unknown');
    expect(duckdbErrorType('Out of Memory Error: not an Error object')).toBe('unknown');
  });
});

describe('asRetryableResourceError', () => {
  it('makes running out of memory a retryable unavailability naming only the error type', () => {
    const sorted = asRetryableResourceError(OUT_OF_MEMORY);
    expect(sorted).toMatchObject({ code: 'unavailable', retry: true });
    expect((sorted as Error).message).toContain('Out of Memory Error');
    expect((sorted as Error).message).not.toContain('MiB');
  });

  it('makes a full disk (log at commit, or temp files) a retryable unavailability without the path', () => {
    for (const [error, type] of [
      [WAL_FULL, 'TransactionContext'],
      [SPILL_FULL, 'IO'],
    ] as const) {
      const sorted = asRetryableResourceError(error) as AppError;
      expect(sorted).toMatchObject({ code: 'unavailable', retry: true });
      expect(sorted.message).toContain(`disk is full`);
      expect(sorted.message).toContain(`DuckDB ${type} Error`);
      expect(sorted.message).not.toContain('/data/pool');
      expect(sorted.cause).toBe(error);
    }
  });

  it('passes on what is not a resource failure, and errors already sorted', () => {
    const constraint = new Error('Constraint Error: Duplicate key "record_id: 1"');
    expect(asRetryableResourceError(constraint)).toBe(constraint);
    const io = new Error('IO Error: Could not read from file "x": Input/output error');
    expect(asRetryableResourceError(io)).toBe(io);
    // Not DuckDB's: an error of ours that happens to quote the words is left alone.
    const ours = new Error('No space left on device');
    expect(asRetryableResourceError(ours)).toBe(ours);
    const sorted = new AppError('conflict', 'already loaded');
    expect(asRetryableResourceError(sorted)).toBe(sorted);
    expect(asRetryableResourceError('text')).toBe('text');
  });
});
