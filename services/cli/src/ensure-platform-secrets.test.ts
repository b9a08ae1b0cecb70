import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig, type TConfig } from '@alliage/config';
import {
  decryptVerifiedStream,
  detectGpg,
  generatePgpKeyPair,
  signText,
  verifySignedText,
} from '@alliage/crypto';
import * as openpgp from 'openpgp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensurePlatformSecrets } from './ensure-platform-secrets.ts';
import type { TSecretWarning } from './log-secret-warning.ts';

describe('ensurePlatformSecrets', () => {
  let dataDir: string;
  let secretsDir: string;
  let config: TConfig;
  let warnings: TSecretWarning[];
  const warn = (warning: TSecretWarning) => warnings.push(warning);
  const mode = (name: string) => statSync(path.join(secretsDir, name)).mode & 0o777;
  const read = (name: string) => readFileSync(path.join(secretsDir, name), 'utf8');
  /** The start stops, names the missing file, and does not create it. */
  const expectRefusalWithout = async (name: string) => {
    await expect(ensurePlatformSecrets(config, { warn })).rejects.toMatchObject({
      name: 'AppError',
      code: 'conflict',
      message: expect.stringContaining(name),
    });
    expect(existsSync(path.join(secretsDir, name))).toBe(false);
  };

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'alliage-secrets-'));
    secretsDir = path.join(dataDir, 'secrets');
    config = loadConfig({ ALLIAGE_DATA_DIR: dataDir });
    warnings = [];
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('rebuilds a deleted public key from the private key, which it keeps', async () => {
    const first = await ensurePlatformSecrets(config, { warn });
    const privateBefore = read('platform-pgp.key');
    // A member encrypted this to the platform key before the public file went missing.
    const inFlight = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: 'customer_id\nC1\n' }),
      encryptionKeys: await openpgp.readKey({ armoredKey: first.pgp.armoredPublicKey }),
    });
    rmSync(path.join(secretsDir, 'platform-pgp.pub'));

    const second = await ensurePlatformSecrets(config, { warn });

    expect(read('platform-pgp.key')).toBe(privateBefore);
    expect(second.pgp.fingerprint).toBe(first.pgp.fingerprint);
    expect(second.generated).not.toContain('pgp');
    const rebuilt = await openpgp.readKey({ armoredKey: read('platform-pgp.pub') });
    expect(rebuilt.getFingerprint().toUpperCase()).toBe(first.pgp.fingerprint);
    expect(mode('platform-pgp.pub')).toBe(0o600);
    const { data } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: inFlight as string }),
      decryptionKeys: await openpgp.readPrivateKey({ armoredKey: second.pgp.armoredPrivateKey }),
    });
    expect(data).toBe('customer_id\nC1\n');
    expect(warnings).toEqual([expect.objectContaining({ file: 'platform-pgp.pub' })]);
  });

  it('replaces a public file that does not match the private key', async () => {
    const first = await ensurePlatformSecrets(config, { warn });
    const other = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ name: 'Someone else', email: 'other@alliage.invalid' }],
      format: 'armored',
    });
    writeFileSync(path.join(secretsDir, 'platform-pgp.pub'), other.publicKey);

    const second = await ensurePlatformSecrets(config, { warn });

    expect(second.pgp.fingerprint).toBe(first.pgp.fingerprint);
    expect(second.pgp.armoredPublicKey).toBe(first.pgp.armoredPublicKey);
    expect(read('platform-pgp.pub')).toBe(first.pgp.armoredPublicKey);
    expect(warnings).toEqual([expect.objectContaining({ file: 'platform-pgp.pub' })]);
  });

  it('refuses to start with a public key and no private key, and creates neither', async () => {
    await ensurePlatformSecrets(config, { warn });
    const publicBefore = read('platform-pgp.pub');
    rmSync(path.join(secretsDir, 'platform-pgp.key'));

    await expectRefusalWithout('platform-pgp.key');
    expect(read('platform-pgp.pub')).toBe(publicBefore);
  });

  it('starts after a crash left a temporary file under its own pid, and removes old leftovers', async () => {
    await ensurePlatformSecrets(config, { warn });
    rmSync(path.join(secretsDir, 'hmac.secret'));
    // What a crash between writing and renaming left (pid 1 again after a container restart).
    const ownPid = path.join(secretsDir, `hmac.secret.tmp-${process.pid}`);
    const oldRandom = path.join(secretsDir, 'pool.key.tmp-0123456789abcdef');
    writeFileSync(ownPid, 'half-written', { mode: 0o600 });
    writeFileSync(oldRandom, 'half-written', { mode: 0o600 });
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(ownPid, anHourAgo, anHourAgo);
    utimesSync(oldRandom, anHourAgo, anHourAgo);
    // Just written: may be another process's write in progress, so it stays for now.
    const fresh = path.join(secretsDir, 'ssh_host_ed25519_key.tmp-fedcba9876543210');
    writeFileSync(fresh, 'being written', { mode: 0o600 });

    const restarted = await ensurePlatformSecrets(config, { warn });

    expect(restarted.generated).toEqual(['hmac']);
    expect(read('hmac.secret')).toBe(restarted.hmacSecret);
    expect(existsSync(ownPid)).toBe(false);
    expect(existsSync(oldRandom)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(readdirSync(secretsDir).filter((name) => name.includes('.tmp-'))).toEqual([
      path.basename(fresh),
    ]);
  });

  it('tightens loosened permissions and says which file, never what it holds', async () => {
    const first = await ensurePlatformSecrets(config, { warn });
    chmodSync(path.join(secretsDir, 'pool.key'), 0o644);
    chmodSync(secretsDir, 0o755);

    await ensurePlatformSecrets(config, { warn });

    expect(mode('pool.key')).toBe(0o600);
    expect(statSync(secretsDir).mode & 0o777).toBe(0o700);
    expect(warnings.map((warning) => warning.file).sort()).toEqual(['pool.key', 'secrets']);
    expect(JSON.stringify(warnings)).not.toContain(first.poolEncryptionKey);
  });

  it('refuses to make a new HMAC secret for a data directory that already holds a platform', async () => {
    await ensurePlatformSecrets(config, { warn });
    mkdirSync(path.join(dataDir, 'pglite'));
    rmSync(path.join(secretsDir, 'hmac.secret'));

    await expectRefusalWithout('hmac.secret');
  });

  it('warns when it generates another secret for a data directory that already holds a platform', async () => {
    await ensurePlatformSecrets(config, { warn });
    mkdirSync(path.join(dataDir, 'pool'));
    writeFileSync(path.join(dataDir, 'pool', 'pool.duckdb'), '');
    rmSync(path.join(secretsDir, 'ssh_host_ed25519_key'));

    const restarted = await ensurePlatformSecrets(config, { warn });

    expect(restarted.generated).toEqual(['ssh-host-key']);
    expect(warnings).toEqual([expect.objectContaining({ file: 'ssh_host_ed25519_key' })]);
  });

  it('generates every secret once, 0600 in a 0700 directory, and reuses them', async () => {
    const first = await ensurePlatformSecrets(config, { warn });
    const second = await ensurePlatformSecrets(config, { warn });

    expect(first.generated).toEqual([
      'pgp',
      'ssh-host-key',
      'ssh-client-key',
      'hmac',
      'pool-encryption-key',
    ]);
    expect(second.generated).toEqual([]);
    expect({ ...second, generated: [] }).toEqual({ ...first, generated: [] });
    expect(statSync(secretsDir).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(secretsDir)) expect(mode(name)).toBe(0o600);
    expect(warnings).toEqual([]);
  });
  it('protects a generated platform key with ALLIAGE_PGP_PASSPHRASE, which unlocks it at start', async () => {
    const passphrase = 'test-only platform passphrase';
    config = loadConfig({ ALLIAGE_DATA_DIR: dataDir, ALLIAGE_PGP_PASSPHRASE: passphrase });
    const secrets = await ensurePlatformSecrets(config, { warn });

    expect(secrets.generated).toContain('pgp');
    expect(mode('platform-pgp.key')).toBe(0o600);
    const stored = await openpgp.readPrivateKey({ armoredKey: read('platform-pgp.key') });
    expect(stored.isDecrypted()).toBe(false);
    await expect(
      openpgp.decryptKey({ privateKey: stored, passphrase: 'not the passphrase' }),
    ).rejects.toThrow();
    expect(secrets.pgp.passphrase).toBe(passphrase);

    // What the platform does with it once started: sign (checkpoints, deliveries) and
    // decrypt a member's file, with either engine.
    const signed = await signText({
      text: 'checkpoint',
      armoredPrivateKey: secrets.pgp.armoredPrivateKey,
      passphrase,
    });
    const verified = await verifySignedText({
      signedMessage: signed,
      armoredPublicKeys: [secrets.pgp.armoredPublicKey],
    });
    expect(verified.text).toBe('checkpoint');
    const member = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ name: 'Test member', email: 'member@alliage.invalid' }],
      format: 'object',
    });
    const file = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: Buffer.from('customer_id\nC1\n') }),
      encryptionKeys: await openpgp.readKey({ armoredKey: secrets.pgp.armoredPublicKey }),
      signingKeys: member.privateKey,
    });
    const engines = (await detectGpg()) ? (['openpgp', 'gpg'] as const) : (['openpgp'] as const);
    for (const engine of engines) {
      const { plaintext, verified: decrypted } = decryptVerifiedStream({
        input: Readable.from([Buffer.from(file as string)]),
        decryptionKeys: [secrets.pgp],
        signerPublicKeys: [member.publicKey.armor()],
        maxPlaintextBytes: 1024,
        engine,
      });
      expect(await new Response(plaintext).text(), engine).toBe('customer_id\nC1\n');
      await expect(decrypted, engine).resolves.toMatchObject({ engine });
    }

    // The next start reads the same protected key.
    const restarted = await ensurePlatformSecrets(config, { warn });
    expect(restarted.pgp.fingerprint).toBe(secrets.pgp.fingerprint);
    expect(warnings).toEqual([]);
  });
  it('stops the start when the passphrase does not unlock the key, and warns of a clear key', async () => {
    const protectedConfig = loadConfig({
      ALLIAGE_DATA_DIR: dataDir,
      ALLIAGE_PGP_PASSPHRASE: 'test-only platform passphrase',
    });
    await ensurePlatformSecrets(protectedConfig, { warn });
    for (const env of [{ ALLIAGE_PGP_PASSPHRASE: 'test-only wrong passphrase' }, {}]) {
      await expect(
        ensurePlatformSecrets(loadConfig({ ALLIAGE_DATA_DIR: dataDir, ...env }), { warn }),
      ).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('platform-pgp.key'),
      });
    }

    // A key generated in clear (before the passphrase was set) still starts, with a warning.
    rmSync(secretsDir, { recursive: true });
    await ensurePlatformSecrets(config, { warn });
    const started = await ensurePlatformSecrets(protectedConfig, { warn });
    expect(started.pgp.passphrase).toBe('test-only platform passphrase');
    expect(warnings).toEqual([
      expect.objectContaining({
        file: 'platform-pgp.key',
        message: expect.stringContaining('not protected by ALLIAGE_PGP_PASSPHRASE'),
      }),
    ]);
  });

  it('stops the start on an SSH key of the environment that does not parse, naming the variable', async () => {
    const garbage =
      '-----BEGIN OPENSSH PRIVATE KEY-----\ntest-only not a key\n-----END OPENSSH PRIVATE KEY-----\n';
    for (const variable of ['ALLIAGE_SSH_HOST_KEY', 'ALLIAGE_SSH_CLIENT_KEY']) {
      const refused = await ensurePlatformSecrets(
        loadConfig({ ALLIAGE_DATA_DIR: dataDir, [variable]: garbage }),
        { warn },
      ).catch((error: unknown) => error as Error);
      expect(refused).toMatchObject({
        code: 'validation_failed',
        message: `${variable}: SSH private key is malformed`,
      });
    }
  });

  it('checks a platform key given by ALLIAGE_PGP_PRIVATE_KEY at start, naming the variable', async () => {
    // TEST-ONLY key and passphrase.
    const passphrase = 'test-only passphrase of the environment key';
    const pair = await generatePgpKeyPair({
      name: 'Platform (test only)',
      email: 'platform@example.invalid',
      passphrase,
    });
    const withKey = (env: Record<string, string | undefined>) =>
      ensurePlatformSecrets(
        loadConfig({
          ALLIAGE_DATA_DIR: dataDir,
          ALLIAGE_PGP_PRIVATE_KEY: pair.armoredPrivateKey,
          ...env,
        }),
        { warn },
      );
    for (const env of [{}, { ALLIAGE_PGP_PASSPHRASE: 'test-only wrong passphrase' }]) {
      await expect(withKey(env)).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('ALLIAGE_PGP_PRIVATE_KEY'),
      });
    }
    const started = await withKey({ ALLIAGE_PGP_PASSPHRASE: passphrase });
    expect(started.pgp.fingerprint).toBe(pair.fingerprint);
    const malformed = pair.armoredPrivateKey.replace(
      /\n[A-Za-z0-9+/]{20}/,
      '\n!!!!garbage!!!!!!!!!',
    );
    const refused = await withKey({ ALLIAGE_PGP_PRIVATE_KEY: malformed }).catch(
      (error: unknown) => error as Error,
    );
    expect(refused).toMatchObject({
      code: 'validation_failed',
      message: 'ALLIAGE_PGP_PRIVATE_KEY is not an armoured OpenPGP private key',
    });
  });
});
