import { describe, expect, it } from 'vitest';
import { isPullSourceDue, ZPullSourceInput } from './pull-source.ts';

const FINGERPRINT = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';

describe('ZPullSourceInput', () => {
  it('fills in port 22, no schedule and enabled', () => {
    expect(
      ZPullSourceInput.parse({
        host: 'mft.example.invalid',
        username: 'alliage',
        remoteDir: '/outbound',
        hostKeySha256: FINGERPRINT,
      }),
    ).toEqual({
      host: 'mft.example.invalid',
      port: 22,
      username: 'alliage',
      remoteDir: '/outbound',
      hostKeySha256: FINGERPRINT,
      intervalMinutes: null,
      enabled: true,
    });
  });

  it('accepts IP addresses', () => {
    for (const host of ['192.0.2.10', '::1', '2001:db8::7']) {
      expect(
        ZPullSourceInput.safeParse({
          host,
          username: 'u',
          remoteDir: '/',
          hostKeySha256: FINGERPRINT,
        }).success,
      ).toBe(true);
    }
  });

  it.each([
    ['host', 'user@mft.example.invalid'],
    ['host', 'sftp://mft.example.invalid'],
    ['host', `${'a'.repeat(70)}!`],
    ['port', 0],
    ['username', 'a b'],
    ['remoteDir', '/in\nbox'],
    ['hostKeySha256', 'MD5:aa:bb'],
    ['hostKeySha256', 'SHA256:short'],
    ['intervalMinutes', 0],
  ])('refuses a bad %s', (field, value) => {
    const result = ZPullSourceInput.safeParse({
      host: 'mft.example.invalid',
      username: 'alliage',
      remoteDir: '/outbound',
      hostKeySha256: FINGERPRINT,
      [field]: value,
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });
});

describe('isPullSourceDue', () => {
  const now = new Date('2026-11-23T10:00:00.000Z');
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

  it('is never due without a schedule or when disabled', () => {
    expect(isPullSourceDue({ enabled: true, intervalMinutes: null, lastRunAt: null }, now)).toBe(
      false,
    );
    expect(isPullSourceDue({ enabled: false, intervalMinutes: 5, lastRunAt: null }, now)).toBe(
      false,
    );
  });

  it('is due at once when never run, then after its interval', () => {
    expect(isPullSourceDue({ enabled: true, intervalMinutes: 60, lastRunAt: null }, now)).toBe(
      true,
    );
    expect(isPullSourceDue({ enabled: true, intervalMinutes: 60, lastRunAt: ago(59) }, now)).toBe(
      false,
    );
    expect(isPullSourceDue({ enabled: true, intervalMinutes: 60, lastRunAt: ago(60) }, now)).toBe(
      true,
    );
  });

  it('tolerates a run stamped a little after the tick', () => {
    const late = new Date(ago(1).getTime() + 200);
    expect(isPullSourceDue({ enabled: true, intervalMinutes: 1, lastRunAt: late }, now)).toBe(true);
  });
});
