import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { cliEnv, createTestDataDir, runCli } from '@alliage/cli/testing';
import { decryptVerifiedStream } from '@alliage/crypto';
import { createGpgHome, hasGpg } from '@alliage/crypto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPreviousPgpKeys } from '../src/rotate-platform-pgp-key.ts';

describe.skipIf(!hasGpg)('alliage platform rotate-pgp-key', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await createTestDataDir('alliage-rotate-');
    env = cliEnv({ ALLIAGE_DATA_DIR: dataDir });
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('publishes a new key and still decrypts a file encrypted to the old one', async () => {
    const before = JSON.parse((await runCli(['platform', 'pgp-key', '--json'], env)).stdout);
    const gpg = createGpgHome();
    try {
      gpg.run(['--import'], before.armoredPublicKey);
      const member = gpg.generateKey({ algorithm: 'ed25519', usage: 'sign' });
      // A member encrypted this before it fetched the new key (test-only content).
      const inFlight = gpg.run(
        [
          '--trust-model',
          'always',
          '--encrypt',
          '--sign',
          '-r',
          before.fingerprint,
          '-u',
          member,
          '--output',
          '-',
        ],
        'customer_id\nC1\n',
      );

      // A checkpoint signed with the key about to be replaced, kept by an auditor.
      const checkpoint = path.join(dataDir, 'before-rotation.asc');
      const signed = await runCli(['audit', 'checkpoint', '--out', checkpoint], env);
      expect(signed.code, signed.stderr).toBe(0);

      const rotated = await runCli(['platform', 'rotate-pgp-key', '--json'], env);
      expect(rotated.code, rotated.stderr).toBe(0);
      const { previousFingerprint, fingerprint } = JSON.parse(rotated.stdout);
      expect(previousFingerprint).toBe(before.fingerprint);
      const after = JSON.parse((await runCli(['platform', 'pgp-key', '--json'], env)).stdout);
      expect(after.fingerprint).toBe(fingerprint);
      expect(after.fingerprint).not.toBe(before.fingerprint);
      const kept = path.join(dataDir, 'secrets', 'previous-pgp', `${before.fingerprint}.key`);
      expect(statSync(kept).mode & 0o777).toBe(0o600);

      const current = readFileSync(path.join(dataDir, 'secrets', 'platform-pgp.key'), 'utf8');
      const { plaintext, verified } = decryptVerifiedStream({
        input: Readable.from([inFlight]),
        decryptionKeys: [{ armoredPrivateKey: current }, ...readPreviousPgpKeys(dataDir, null)],
        signerPublicKeys: [gpg.exportPublicKey(member)],
        maxPlaintextBytes: 1024,
      });
      const text = await new Response(plaintext).text();
      expect(text).toBe('customer_id\nC1\n');
      expect((await verified).signerFingerprint).toBe(member);

      const tail = JSON.parse(
        (await runCli(['audit', 'tail', '-n', '5', '--json'], env)).stdout,
      ) as { action: string }[];
      expect(tail.map((event) => event.action)).toContain('platform.key_rotated');
      // The checkpoint of before the rotation still verifies the chain, with the key of its time.
      const checked = await runCli(['audit', 'verify', '--checkpoint', checkpoint], env);
      expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    } finally {
      gpg.close();
    }
  });
});

describe('the HMAC secret a platform was started with', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await createTestDataDir('alliage-hmac-check-');
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops every start with another secret until an operator adopts it', async () => {
    const own = cliEnv({ ALLIAGE_DATA_DIR: dataDir });
    const listed = await runCli(['org', 'list', '--json'], own);
    expect(listed.code, listed.stderr).toBe(0);
    // TEST-ONLY secret: another one than the data directory's, as a changed variable would give.
    const other = { ...own, ALLIAGE_HMAC_SECRET: 'test-only-other-hmac-secret-0123456789abcdef' };
    const refused = await runCli(['org', 'list', '--json'], other);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain(
      'is not the one this platform was started with',
    );
    expect(refused.stdout + refused.stderr).not.toContain(other.ALLIAGE_HMAC_SECRET);

    const unconfirmed = await runCli(['platform', 'adopt-hmac-secret'], other);
    expect(unconfirmed.code).toBe(2);
    const adopted = await runCli(['platform', 'adopt-hmac-secret', '--confirm', '--json'], other);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(JSON.parse(adopted.stdout)).toEqual({ changed: true });
    expect((await runCli(['org', 'list', '--json'], other)).code).toBe(0);
    // The original is now the other one.
    expect((await runCli(['org', 'list', '--json'], own)).code).not.toBe(0);
  });
});
