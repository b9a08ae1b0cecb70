import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TDecryptEngine } from './decrypt-verified-stream.ts';
import { generatePgpKeyPair, type TPgpKeyPair } from './generate-pgp-key-pair.ts';
import type {
  TDecryptFileChildConfig,
  TDecryptFileChildReport,
} from './testing/decrypt-file-child.ts';
import { createGpgHome, type GpgHome, generateSyntheticCsv, hasGpg } from './testing/index.ts';

const execFileAsync = promisify(execFile);
const CHILD_SCRIPT = fileURLToPath(new URL('./testing/decrypt-file-child.ts', import.meta.url));
const FILE_BYTES = 300 * 2 ** 20;
const ONE_GIB = 2 ** 30;

// One large file, made by gpg with default settings (compressed, MDC, 8 KiB partial
// chunks), decrypted in a child process whose peak RSS is the measure. No timing
// assertion: speed is the benchmark's business (scripts/bench/pgp-decrypt.ts).
describe.skipIf(!hasGpg)('decryptVerifiedStream on a 300 MB file', () => {
  let home: GpgHome;
  let workDir: string;
  let platform: TPgpKeyPair;
  let member: TPgpKeyPair;
  let encryptedFile: string;
  let plaintextSha256: string;

  beforeAll(async () => {
    [platform, member] = await Promise.all([
      generatePgpKeyPair({ name: 'Test Only Platform', email: 'platform@example.invalid' }),
      generatePgpKeyPair({ name: 'Test Only Member', email: 'member@example.invalid' }),
    ]);
    home = createGpgHome();
    home.run(['--import'], member.armoredPrivateKey + platform.armoredPublicKey);
    workDir = await mkdtemp(path.join(tmpdir(), 'alliage-pgp-memory-'));
    encryptedFile = path.join(workDir, 'customers.csv.gpg');
    const gpg = spawn(
      'gpg',
      [
        ...['--homedir', home.dir, '--batch', '--trust-model', 'always'],
        ...['--encrypt', '--sign', '-r', platform.fingerprint, '-u', member.fingerprint],
        ...['--output', encryptedFile],
      ],
      { stdio: ['pipe', 'ignore', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => gpg.once('close', resolve));
    const hash = createHash('sha256');
    await pipeline(async function* () {
      for await (const chunk of generateSyntheticCsv(FILE_BYTES)) {
        hash.update(chunk);
        yield chunk;
      }
    }, gpg.stdin);
    expect(await exited).toBe(0);
    plaintextSha256 = hash.digest('hex');
  }, 120_000);

  afterAll(async () => {
    home?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const engines: (TDecryptEngine | undefined)[] = [undefined, 'openpgp'];
  it.each(engines)(
    'keeps peak RSS under 1 GiB (engine: %s)',
    async (engine) => {
      const config: TDecryptFileChildConfig = {
        encryptedFile,
        decryptionKeys: [{ armoredPrivateKey: platform.armoredPrivateKey }],
        signerPublicKeys: [member.armoredPublicKey],
        maxPlaintextBytes: 2 * FILE_BYTES,
        ...(engine ? { engine } : {}),
      };
      const configFile = path.join(workDir, `child-${engine ?? 'default'}.json`);
      await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
      const { stdout } = await execFileAsync(process.execPath, [CHILD_SCRIPT, configFile]);
      const report = JSON.parse(stdout) as TDecryptFileChildReport;
      console.info(
        `engine ${report.engine}: ${report.plaintextBytes} bytes, peak RSS ${Math.round(report.maxRssBytes / 2 ** 20)} MiB`,
      );
      expect(report).toMatchObject({
        accepted: true,
        plaintextBytes: expect.any(Number),
        plaintextSha256,
      });
      expect(report.maxRssBytes).toBeLessThan(ONE_GIB);
    },
    120_000,
  );
});
