import { describe, expect, it } from 'vitest';
import type { TDropReport } from './drop-report.ts';
import { toStorableDropReport } from './to-storable-drop-report.ts';

const report: TDropReport = {
  fileDropId: '00000000-0000-4000-8000-000000000001',
  fileName: 'M01_customers_1.csv.pgp',
  status: 'rejected',
  sha256: 'a'.repeat(64),
  sizeBytes: 10,
  receivedAt: '2026-11-23T10:00:00.000Z',
  finishedAt: '2026-11-23T10:00:01.000Z',
  signerFingerprint: null,
  kind: 'customers',
  rows: null,
  rejection: { reason: 'malformed', detail: 'bad\u0000byte\u001b[31m and \ud800 alone' },
  rowErrors: [{ line: 2, column: 'email\u0000', reason: 'tab\tand\nline feed stay' }],
  duplicateOf: null,
  pool: null,
  repoussoir: null,
};

describe('toStorableDropReport', () => {
  it('replaces control characters and lone surrogates, keeps tabs, line feeds and the rest', () => {
    const storable = toStorableDropReport(report);
    expect(storable.rejection?.detail).toBe('bad\uFFFDbyte\uFFFD[31m and \uFFFD alone');
    expect(storable.rowErrors).toEqual([
      { line: 2, column: 'email\uFFFD', reason: 'tab\tand\nline feed stay' },
    ]);
    expect({ ...storable, rejection: null, rowErrors: [] }).toEqual({
      ...report,
      rejection: null,
      rowErrors: [],
    });
    expect(JSON.stringify(storable)).not.toMatch(/\\u0000|\\ud800/);
  });
});
