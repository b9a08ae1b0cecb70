import { describe, expect, it } from 'vitest';
import { formatDropReportText, ZDropReport } from './drop-report.ts';
import { toAbandonedDropReport } from './to-abandoned-drop-report.ts';

describe('formatDropReportText', () => {
  it('tells the member of an abandoned drop that its file was not processed, and not at fault', () => {
    const drop = {
      id: '00000000-0000-4000-8000-000000000001',
      fileName: 'M01_customers_20261201.csv.pgp',
      sha256: 'a'.repeat(64),
      sizeBytes: 10,
      receivedAt: new Date('2026-12-01T08:00:00.000Z'),
      attempts: 14,
      lastErrorCode: 'P0001',
    };
    const report = ZDropReport.parse(toAbandonedDropReport(drop, new Date('2026-12-08T08:00Z')));
    expect(report).toMatchObject({ status: 'abandoned', rejection: null, rows: null });
    const text = formatDropReportText(report);
    expect(text).toContain('status    ABANDONED\n');
    expect(text).toContain(
      'reason    not processed: the platform failed to load this file 14 times (platform_error); ' +
        'the file is not at fault, send it again\n',
    );
    expect(text).not.toContain('P0001');
  });
});
