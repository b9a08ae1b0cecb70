// Run as a child process by the memory test: `node decrypt-file-child.ts <config.json>`.
// Its own process, so that its peak RSS measures the decryption alone.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { readDecryptRejection } from '../decrypt-rejection.ts';
import {
  type DecryptVerifiedStreamOptions,
  decryptVerifiedStream,
} from '../decrypt-verified-stream.ts';

/** What the memory test writes to the config file. */
export interface TDecryptFileChildConfig {
  encryptedFile: string;
  decryptionKeys: DecryptVerifiedStreamOptions['decryptionKeys'];
  signerPublicKeys: string[];
  maxPlaintextBytes: number;
  engine?: DecryptVerifiedStreamOptions['engine'];
}

/** What the child prints as one JSON line. */
export interface TDecryptFileChildReport {
  accepted: boolean;
  rejection?: string;
  engine?: string;
  plaintextBytes: number;
  plaintextSha256: string;
  /** Peak resident set of this Node process (gpg, when used, runs beside it). */
  maxRssBytes: number;
}

const configPath = process.argv[2];
if (configPath) {
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as TDecryptFileChildConfig;
  const { plaintext, verified } = decryptVerifiedStream({
    ...config,
    input: createReadStream(config.encryptedFile, { highWaterMark: 1 << 20 }),
  });
  const hash = createHash('sha256');
  let plaintextBytes = 0;
  try {
    for await (const chunk of plaintext) {
      hash.update(chunk);
      plaintextBytes += chunk.length;
    }
  } catch {
    // The same error rejects `verified`, read below.
  }
  const report: TDecryptFileChildReport = {
    accepted: false,
    plaintextBytes,
    plaintextSha256: hash.digest('hex'),
    maxRssBytes: 0,
  };
  try {
    report.engine = (await verified).engine;
    report.accepted = true;
  } catch (error) {
    report.rejection = readDecryptRejection(error) ?? String(error);
  }
  report.maxRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
