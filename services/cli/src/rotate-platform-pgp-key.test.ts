import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@alliage/config';
import * as openpgp from 'openpgp';
import { afterEach, describe, expect, it } from 'vitest';
import { ensurePlatformPgpKey, PLATFORM_PGP_FILES } from './ensure-platform-pgp-key.ts';
import { rotatePlatformPgpKey } from './rotate-platform-pgp-key.ts';

describe('rotatePlatformPgpKey', () => {
  let dataDir: string | undefined;
  afterEach(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('protects the new key with ALLIAGE_PGP_PASSPHRASE, as the key it replaces', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'alliage-rotate-unit-'));
    const secrets = path.join(dataDir, 'secrets');
    mkdirSync(secrets, { mode: 0o700 });
    // TEST-ONLY passphrase.
    const passphrase = 'test-only passphrase of the platform key';
    await ensurePlatformPgpKey(secrets, { passphrase, warn: () => {} });
    const config = loadConfig({ ALLIAGE_DATA_DIR: dataDir, ALLIAGE_PGP_PASSPHRASE: passphrase });
    await rotatePlatformPgpKey(config);
    const rotated = await openpgp.readPrivateKey({
      armoredKey: readFileSync(path.join(secrets, PLATFORM_PGP_FILES.privateKey), 'utf8'),
    });
    expect(rotated.isDecrypted()).toBe(false);
    const unlocked = await openpgp.decryptKey({ privateKey: rotated, passphrase });
    expect(unlocked.isDecrypted()).toBe(true);
  });
});
