import { inspectSshPublicKey, sshPublicKeyFromPrivate } from '@alliage/crypto';
import { describe, expect, it } from 'vitest';
import { generateReadableSshKey } from './generate-readable-ssh-key.ts';

describe('generateReadableSshKey', () => {
  it('only returns Ed25519 keys that read back (the raw generator fails ~1 in 256)', () => {
    // Enough draws that an unguarded generator would almost surely (>99%) hand out a bad key.
    for (let draw = 0; draw < 1500; draw += 1) {
      const publicLine = sshPublicKeyFromPrivate(generateReadableSshKey());
      expect(inspectSshPublicKey(publicLine).algorithm).toBe('ssh-ed25519');
    }
  });
});
