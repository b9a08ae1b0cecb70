import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, isAppError } from '@alliage/domain';
import type { PrivateKey, PublicKey } from 'openpgp';
import { rejectDecryption } from './decrypt-rejection.ts';
import type { TGpgInstallation } from './detect-gpg.ts';
import { interpretGpgStatus } from './interpret-gpg-status.ts';
import type { TPlaintextSource } from './plaintext-source.ts';
import { prepareGpgHome } from './prepare-gpg-home.ts';
import { type TEncryptedInput, toByteChunks } from './to-binary-pgp-chunks.ts';
import { watchMessageBoundary } from './watch-message-boundary.ts';

export interface DecryptWithGpgOptions {
  input: TEncryptedInput;
  gpg: TGpgInstallation;
  /** Unlocked platform keys. */
  decryptionKeys: PrivateKey[];
  /** The member's registered keys: a good signature from one of them is required. */
  signerKeys: PublicKey[];
}

// Status lines are a few per signature; a file with thousands is not a member file.
const MAX_STATUS_LINES = 2000;
// gpg writes 8 KiB at a time; handing those on one by one costs more CPU in Node than
// gpg spends decrypting (benchmark: ~2x the floor). Bigger chunks cut that overhead.
const PLAINTEXT_CHUNK_BYTES = 256 * 1024;

/**
 * The GnuPG engine: `gpg --decrypt` in a throw-away home, ciphertext on stdin,
 * plaintext on stdout (never on disk), verdict from `--status-fd`. No shell: spawn
 * with an argument array. The caller enforces the size cap by counting what
 * `read` returns and calling `close`, which kills gpg.
 *
 * @example
 * const source = await decryptWithGpg({ input, gpg, decryptionKeys, signerKeys });
 */
export async function decryptWithGpg(options: DecryptWithGpgOptions): Promise<TPlaintextSource> {
  const home = await prepareGpgHome(options);
  let child: ChildProcess;
  try {
    child = spawn(
      options.gpg.gpgPath,
      [
        ...home.baseArgs,
        '--status-fd',
        '3',
        '--pinentry-mode',
        'loopback',
        '--passphrase-fd',
        '4',
        // The member's key is trusted because it is registered, not through a web of trust.
        '--trust-model',
        'always',
        '--no-auto-key-retrieve',
        '--disable-dirmngr',
        '--output',
        '-',
        '--decrypt',
      ],
      { stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'] },
    );
  } catch (error) {
    await home.dispose();
    throw new AppError('unavailable', 'gpg could not be started', { retry: true, cause: error });
  }
  const { stdin, stdout, stderr } = child;
  const statusStream = child.stdio[3] as Readable;
  const passphraseStream = child.stdio[4] as Writable;
  if (!stdin || !stdout || !stderr) {
    child.kill('SIGKILL');
    await home.dispose();
    throw new AppError('internal', 'gpg stdio pipes missing');
  }

  let spawnError: unknown;
  let inputError: unknown;
  const statusLines: string[] = [];
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('error', (error) => {
      spawnError = error;
      resolve({ code: null, signal: null });
    });
    // 'exit', not 'close': 'close' also waits for stdout to drain, which never
    // happens once the reader stopped reading (the size cap, a cancel).
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const statusRead = new Promise<void>((resolve) => {
    const lines = createInterface({ input: statusStream, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (line) => {
      if (statusLines.length < MAX_STATUS_LINES) statusLines.push(line);
    });
    lines.once('close', resolve);
  });
  // gpg's human messages name key holders and files: drained, never kept or logged.
  stderr.resume();
  // gpg may exit before reading these (a wrong recipient): EPIPE is expected then.
  passphraseStream.on('error', () => undefined);
  passphraseStream.end(`${home.passphrase}\n`);
  stdin.on('error', () => undefined);
  // Only a failing source is an input error: the EPIPE that the pipeline throws back
  // into this generator when gpg stops early is not.
  // gpg reads a second message joined to the first as part of it: we watch the framing.
  const boundary = watchMessageBoundary();
  const guardedInput = async function* (): AsyncGenerator<Uint8Array> {
    const chunks = toByteChunks(options.input)[Symbol.asyncIterator]();
    try {
      while (true) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await chunks.next();
        } catch (error) {
          inputError = isAppError(error)
            ? error
            : new AppError('unavailable', 'reading the encrypted input failed', {
                retry: true,
                cause: error,
              });
          throw error;
        }
        if (next.done) return;
        boundary.observe(next.value);
        yield next.value;
      }
    } finally {
      await chunks.return?.();
    }
  };
  const pumped = pipeline(Readable.from(guardedInput(), { objectMode: false }), stdin).catch(
    () => undefined,
  );
  const plaintext = readCoalesced(stdout, PLAINTEXT_CHUNK_BYTES);

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    plaintext.stop();
    await exited;
    await pumped;
    await home.dispose();
  };

  return {
    read: () => plaintext.read(),
    finish: async () => {
      const { code, signal } = await exited;
      await statusRead;
      if (inputError !== undefined) throw inputError;
      if (spawnError !== undefined) {
        throw new AppError('unavailable', 'gpg could not be started', {
          retry: true,
          cause: spawnError,
        });
      }
      // Not killed by us (close() was not called): the OOM killer, a crash. Not the file's fault.
      if (signal !== null) {
        throw new AppError('unavailable', `gpg was killed by ${signal}`, { retry: true });
      }
      // Whatever gpg made of it (a bad signature, a failed MDC of the first message), a
      // file with more than its message is that.
      const trailing = boundary.verdict();
      if (trailing !== null) {
        throw rejectDecryption(
          'malformed',
          trailing,
          new Error(summarizeGpgRun(statusLines, code)),
        );
      }
      const verdict = interpretGpgStatus({
        statusLines,
        exitCode: code,
        allowedFingerprints: options.signerKeys.map((key) => key.getFingerprint().toUpperCase()),
      });
      if (!verdict.ok) {
        const cause = new Error(summarizeGpgRun(statusLines, code));
        if (verdict.reason === 'gpg_failure') {
          throw new AppError('unavailable', verdict.message, { retry: true, cause });
        }
        throw rejectDecryption(verdict.reason, verdict.message, cause);
      }
      return { signerFingerprint: verdict.signerFingerprint };
    },
    close,
  };
}

/**
 * Reads a Node stream in chunks of at least `minBytes` (the last may be smaller),
 * joining what is buffered instead of waking up for every small write.
 */
function readCoalesced(
  stream: Readable,
  minBytes: number,
): { read(): Promise<Uint8Array | undefined>; stop(): void } {
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  stream.on('readable', notify);
  stream.once('end', () => {
    ended = true;
    notify();
  });
  stream.once('close', () => {
    ended = true;
    notify();
  });
  stream.once('error', (error) => {
    failure = error;
    notify();
  });
  return {
    async read() {
      const parts: Buffer[] = [];
      let size = 0;
      while (size < minBytes) {
        const chunk = stream.read() as Buffer | null;
        if (chunk !== null) {
          parts.push(chunk);
          size += chunk.length;
          continue;
        }
        if (failure !== undefined) throw failure;
        if (ended) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      if (size === 0) return undefined;
      return parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    },
    stop() {
      stream.destroy();
      notify();
    },
  };
}

/**
 * A diagnostic for logs: status keywords with their first argument (key IDs, codes),
 * without the user IDs, file names and notations that later arguments can carry.
 */
function summarizeGpgRun(statusLines: string[], exitCode: number | null): string {
  const steps = statusLines
    .filter((line) => line.startsWith('[GNUPG:] ') && !line.startsWith('[GNUPG:] NOTATION_'))
    .map((line) => line.slice('[GNUPG:] '.length).split(' ').slice(0, 2).join(' '));
  return `gpg exit ${exitCode}; status: ${steps.join(', ')}`;
}
