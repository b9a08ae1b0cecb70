import { describe, expect, it } from 'vitest';
import {
  isMemberExportDisposable,
  isMemberExportFile,
  isOffboardingExportFile,
  offboardingExportFileName,
} from './member-export-retention.ts';

const ID = '0b8f2a5e-3c1d-4e6f-9a7b-1c2d3e4f5a6b';

describe('member exports in reports/', () => {
  it('names the files that carry personal data, and only them', () => {
    for (const name of [
      `rights-request-${ID}.json`,
      `rights-request-${ID}-data.json.gpg`,
      'offboarding-20261201-customers.csv.gpg',
      'offboarding-20261201-transactions.csv.gpg',
      'offboarding-20261201-0a1b2c3d-customers.csv.gpg',
    ]) {
      expect(isMemberExportFile(name), name).toBe(true);
    }
    for (const name of [
      'M01_customers_20261201.csv.pgp.report.json',
      'M01_customers_20261201.csv.pgp.report.txt',
      `rights-request-${ID}.json.tmp`,
      `../rights-request-${ID}.json`,
      'rights-request-42.json',
      'offboarding-2026-12-01-customers.csv.gpg',
      'offboarding-20261201-0A1B2C3D-customers.csv.gpg',
      '.offboarding-20261201-0a1b2c3d-customers.csv.gpg.partial-0123456789abcdef',
      'notes.txt',
    ]) {
      expect(isMemberExportFile(name), name).toBe(false);
    }
  });

  it('keeps an export its retention days, then lets it go', () => {
    const now = new Date('2026-12-06T03:00:00Z');
    const written = (days: number) => new Date(now.getTime() - days * 86_400_000);
    expect(isMemberExportDisposable(written(29.9), { now, retentionDays: 30 })).toBe(false);
    expect(isMemberExportDisposable(written(30), { now, retentionDays: 30 })).toBe(true);
    expect(isMemberExportDisposable(now, { now, retentionDays: 0 })).toBe(true);
  });

  it('names each offboarding export apart, and tells its files from the others', () => {
    const date = new Date('2026-12-01T23:59:59Z');
    const name = offboardingExportFileName(date, '0a1b2c3d', 'transactions');
    expect(name).toBe('offboarding-20261201-0a1b2c3d-transactions.csv.gpg');
    expect(isOffboardingExportFile(name)).toBe(true);
    expect(isOffboardingExportFile('offboarding-20261201-customers.csv.gpg')).toBe(true);
    expect(isOffboardingExportFile(`rights-request-${ID}.json`)).toBe(false);
  });
});
