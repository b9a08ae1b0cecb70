import { describe, expect, it } from 'vitest';
import { deliveryFileName } from './delivery-file-name.ts';
import { outboxFileFate } from './outbox-file-fate.ts';

const now = new Date('2026-11-23T12:00:00Z');
const later = new Date('2026-12-01T00:00:00Z');
const earlier = new Date('2026-11-01T00:00:00Z');
const fileName = 'alliage-20261001-1a2b3c4d.csv.gpg';
const fate = (delivery: Parameters<typeof outboxFileFate>[0]['delivery'], name = fileName) =>
  outboxFileFate({ fileName: name, delivery, now, expiryDays: 30 });

describe('outboxFileFate', () => {
  it('keeps the file of a delivery written and not yet expired, or still being written', () => {
    expect(fate({ status: 'written', expiresAt: later })).toEqual({ action: 'keep', why: 'live' });
    expect(fate({ status: 'pending', expiresAt: earlier })).toEqual({
      action: 'keep',
      why: 'in_progress',
    });
  });

  it('deletes the file of an expired or failed delivery, and of a written one past its expiry', () => {
    expect(fate({ status: 'expired', expiresAt: earlier })).toEqual({
      action: 'delete',
      why: 'expired',
    });
    // Expired by hand before its date (the status decides, not the date).
    expect(fate({ status: 'expired', expiresAt: later })).toMatchObject({ action: 'delete' });
    expect(fate({ status: 'written', expiresAt: now })).toEqual({
      action: 'delete',
      why: 'expired',
    });
    expect(fate({ status: 'failed', expiresAt: later })).toEqual({
      action: 'delete',
      why: 'failed',
    });
  });

  it('deletes a file no delivery knows only when its name is a delivery file name past any expiry', () => {
    // Created on 2026-10-01: expired by 2026-11-01 at the latest, with 30 days.
    expect(fate(null)).toEqual({ action: 'delete', why: 'unknown_past_expiry' });
    // The name this platform gives its files is recognised as such.
    const ours = deliveryFileName({
      deliveryId: '1a2b3c4d-0000-4000-8000-000000000000',
      createdAt: new Date('2026-10-01T23:59:00Z'),
    });
    expect(fate(null, ours)).toMatchObject({ action: 'delete' });
    // Created on 2026-10-23 at 23:59 at the latest: expired by 2026-11-23 at 00:00.
    expect(fate(null, 'alliage-20261023-1a2b3c4d.csv.gpg')).toMatchObject({ action: 'delete' });
    // Created on 2026-10-24, possibly late that day: maybe not expired yet (one day's margin).
    expect(fate(null, 'alliage-20261024-1a2b3c4d.csv.gpg')).toEqual({
      action: 'keep',
      why: 'unknown',
    });
  });

  it('keeps and counts a file no delivery knows whose name does not prove it is ours', () => {
    for (const name of [
      'report.csv.gpg',
      'alliage-20261001-1A2B3C4D.csv.gpg',
      'alliage-20261399-1a2b3c4d.csv.gpg',
      'alliage-20261001-1a2b3c4d.csv.gpg.bak',
      '.alliage-20261001-1a2b3c4d.csv.gpg.partial-0011223344556677',
    ]) {
      expect(fate(null, name)).toEqual({ action: 'keep', why: 'unknown' });
    }
  });
});
