import { describe, expect, it } from 'vitest';
import { pushTempFileName, remoteFilePath, ZPushTargetInput } from './push-target.ts';

const FINGERPRINT = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';

describe('push targets', () => {
  it('defaults the port and enables the target', () => {
    expect(
      ZPushTargetInput.parse({
        host: 'sftp.client.example',
        username: 'alliage',
        remoteDir: '/incoming',
        hostKeySha256: FINGERPRINT,
      }),
    ).toEqual({
      host: 'sftp.client.example',
      port: 22,
      username: 'alliage',
      remoteDir: '/incoming',
      hostKeySha256: FINGERPRINT,
      enabled: true,
    });
  });

  it('refuses URLs as hosts, unpinned keys, control characters and unknown fields', () => {
    const base = { host: 'h.example', username: 'u', remoteDir: '/in', hostKeySha256: FINGERPRINT };
    for (const patch of [
      { host: 'sftp://h.example' },
      { hostKeySha256: 'MD5:00:11' },
      { remoteDir: '/in\nx' },
      { username: 'a b' },
      { port: 70000 },
      { interval: 5 },
    ]) {
      expect(ZPushTargetInput.safeParse({ ...base, ...patch }).success, JSON.stringify(patch)).toBe(
        false,
      );
    }
  });

  it('uploads under a hidden, per-attempt name in the same directory', () => {
    const temp = pushTempFileName('C01_x.csv.gpg', 'ab12');
    expect(temp).toBe('.C01_x.csv.gpg.partial-ab12');
    expect(temp.startsWith('.')).toBe(true);
    expect(remoteFilePath('/incoming', temp)).toBe('/incoming/.C01_x.csv.gpg.partial-ab12');
    expect(remoteFilePath('/incoming/', 'a.gpg')).toBe('/incoming/a.gpg');
    expect(remoteFilePath('/', 'a.gpg')).toBe('/a.gpg');
    expect(remoteFilePath('drop', 'a.gpg')).toBe('drop/a.gpg');
  });
});
