import { describe, expect, it } from 'vitest';
import { deliveryFileName } from './delivery-file-name.ts';

describe('deliveryFileName', () => {
  it('names the file after the UTC day and the head of the delivery ID', () => {
    expect(
      deliveryFileName({
        deliveryId: '3F1C9A2E-77b1-4c1d-9d61-0a6b2f3e4d5c',
        createdAt: new Date('2026-03-05T23:30:00-02:00'),
      }),
    ).toBe('alliage-20260306-3f1c9a2e.csv.gpg');
  });

  it('leaves the selection name out', () => {
    const name = deliveryFileName({
      selectionName: 'Relance Dupont ../../x',
      deliveryId: '0123456789abcdef',
      createdAt: new Date('2026-01-01T00:00:00Z'),
    });
    expect(name).toBe('alliage-20260101-01234567.csv.gpg');
    expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('refuses a short or odd delivery ID and an invalid date', () => {
    const createdAt = new Date('2026-01-01T00:00:00Z');
    expect(() => deliveryFileName({ deliveryId: 'abc', createdAt })).toThrow(/8 letters or digits/);
    expect(() => deliveryFileName({ deliveryId: '../../etc/passwd', createdAt })).toThrow();
    expect(() =>
      deliveryFileName({ deliveryId: '0123456789', createdAt: new Date('nope') }),
    ).toThrow(/date is invalid/);
  });
});
