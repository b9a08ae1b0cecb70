import { neutraliseCsvCell } from '@alliage/domain';
import { describe, expect, it } from 'vitest';
import { formatDeliveryPhone } from './format-delivery-phone.ts';

describe('formatDeliveryPhone', () => {
  it('writes French numbers in national form', () => {
    expect(formatDeliveryPhone('+33612345678')).toBe('0612345678');
    expect(formatDeliveryPhone('+33145678901')).toBe('0145678901');
  });

  it('writes other countries with the 00 international prefix', () => {
    expect(formatDeliveryPhone('+32470123456')).toBe('0032470123456');
    expect(formatDeliveryPhone('+41791234567')).toBe('0041791234567');
    // Overseas departments with their own country code stay international.
    expect(formatDeliveryPhone('+262692123456')).toBe('00262692123456');
  });

  it('never produces a formula trigger', () => {
    for (const e164 of ['+33612345678', '+32470123456', '+4915123456789']) {
      const phone = formatDeliveryPhone(e164);
      expect(neutraliseCsvCell(phone)).toBe(phone);
    }
  });

  it('refuses what is not E.164, without echoing it', () => {
    for (const value of ['0612345678', '+33 6 12 34 56 78', '+0612345678', '', '+33']) {
      expect(() => formatDeliveryPhone(value)).toThrow('delivery phone is not an E.164 number');
    }
  });
});
