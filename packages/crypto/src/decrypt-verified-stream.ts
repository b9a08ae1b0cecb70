import { AppError, isAppError } from '@alliage/domain';
import { rejectDecryption } from './decrypt-rejection.ts';
import { decryptWithGpg } from './decrypt-with-gpg.ts';
import { decryptWithOpenpgp } from './decrypt-with-openpgp.ts';
import { detectGpg } from './detect-gpg.ts';
import type { TPlaintextSource } from './plaintext-source.ts';
import { readSignerKeys } from './read-signer-keys.ts';
import type { TEncryptedInput } from './to-binary-pgp-chunks.ts';
import { type TDecryptionKeyInput, unlockDecryptionKeys } from './unlock-decryption-keys.ts';

/** 'gpg' drives the system's GnuPG; 'openpgp' is the portable openpgp.js engine. */
export type TDecryptEngine = 'openpgp' | 'gpg';

/**
 * The engine used when none is asked for, when it is available: GnuPG decrypts
 * several times faster with a flat few MB of memory (docs/pgp-engine.md has the
 * figures). Without gpg on the machine, openpgp.js takes over.
 */
export const DEFAULT_DECRYPT_ENGINE: TDecryptEngine = 'gpg';

/** Chunk size fed to openpgp.js by default (see docs/pgp-engine.md). */
export const DEFAULT_RECHUNK_BYTES = 1 << 20;

export interface DecryptVerifiedStreamOptions {
  /** The encrypted file, binary (`.pgp`, `.gpg`) or ASCII-armoured (`.asc`). */
  input: TEncryptedInput;
  /** Platform keys that may have been encrypted to (current and previous during a rotation). */
  decryptionKeys: TDecryptionKeyInput[];
  /** The member's registered PGP public keys (armoured): one of them must have signed. */
  signerPublicKeys: string[];
  /** Decompressed-size cap: beyond it the file is rejected as `too_large`. */
  maxPlaintextBytes: number;
  /**
   * Defaults to `DEFAULT_DECRYPT_ENGINE`, or openpgp when gpg is not installed. Asking
   * for 'gpg' explicitly where it is missing fails (`unavailable`) instead.
   */
  engine?: TDecryptEngine;
  /**
   * openpgp engine only: smallest decrypted chunk handed to openpgp.js. GnuPG frames
   * data in 8 KiB chunks; bigger ones cut openpgp.js's per-chunk overhead. 0 keeps
   * the sender's framing. Default `DEFAULT_RECHUNK_BYTES`.
   */
  rechunkBytes?: number;
}

export interface TVerifiedDecryption {
  /** Upper-case fingerprint of the member's primary key that signed the file. */
  signerFingerprint: string;
  plaintextBytes: number;
  engine: TDecryptEngine;
}

export interface TDecryptVerifiedStream {
  /**
   * The plaintext as it decrypts (a web ReadableStream; `Readable.fromWeb` makes a
   * Node stream of it). NOT verified while it flows: stage what you parse. It ends
   * only after `verified` resolved, and errors with the same AppError when
   * `verified` rejects.
   */
  plaintext: ReadableStream<Uint8Array>;
  /**
   * Resolves once the last byte passed the integrity check AND a signature by one of
   * `signerPublicKeys` verified: commit then, discard otherwise. Settles only when
   * `plaintext` is read to the end or cancelled.
   */
  verified: Promise<TVerifiedDecryption>;
}

const MAX_RECHUNK_BYTES = 64 << 20;

/**
 * Decrypts and verifies a member file as a stream: plaintext flows to the caller
 * (never to disk) while the integrity check and the signature are settled at the
 * end. Rejections are AppError `validation_failed` (never retried) whose reason
 * `readDecryptRejection` returns; a failing input or a missing gpg is `unavailable`.
 *
 * @example
 * const { plaintext, verified } = decryptVerifiedStream({ input, decryptionKeys, signerPublicKeys, maxPlaintextBytes });
 * const staged = await stageRows(plaintext); // parse into a staging area
 * const { signerFingerprint } = await verified; // throws: discard the staging area
 * await commit(staged, signerFingerprint);
 */
export function decryptVerifiedStream(
  options: DecryptVerifiedStreamOptions,
): TDecryptVerifiedStream {
  assertOptions(options);
  const verification = Promise.withResolvers<TVerifiedDecryption>();
  // A caller that only reads the stream sees the error there; the promise's copy
  // must not crash the process as an unhandled rejection.
  verification.promise.catch(() => undefined);
  let started: Promise<{ engine: TDecryptEngine; source: TPlaintextSource }> | undefined;
  let settled = false;
  let plaintextBytes = 0;

  const fail = async (error: unknown): Promise<AppError> => {
    const appError = isAppError(error)
      ? error
      : new AppError('internal', 'decryption failed unexpectedly', { cause: error });
    if (!settled) {
      settled = true;
      const source = await started?.then(
        (engine) => engine.source,
        () => undefined,
      );
      await source?.close().catch(() => undefined);
      discardInput(options.input);
      verification.reject(appError);
    }
    return appError;
  };

  const plaintext = new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        try {
          started ??= startEngine(options);
          const { engine, source } = await started;
          if (settled) return;
          const chunk = await source.read();
          if (settled) return;
          if (chunk !== undefined) {
            plaintextBytes += chunk.byteLength;
            // Counted before it is handed out: no byte beyond the cap reaches the caller.
            if (plaintextBytes > options.maxPlaintextBytes) {
              throw rejectDecryption(
                'too_large',
                `the content exceeds the limit of ${options.maxPlaintextBytes} bytes once decompressed`,
              );
            }
            controller.enqueue(chunk);
            return;
          }
          const { signerFingerprint } = await source.finish();
          // The temporary GnuPG home is gone before anyone is told to commit.
          await source.close();
          if (settled) return;
          settled = true;
          verification.resolve({ signerFingerprint, plaintextBytes, engine });
          controller.close();
        } catch (error) {
          controller.error(await fail(error));
        }
      },
      cancel: async () => {
        await fail(
          rejectDecryption('cancelled', 'the reader stopped before the end: not verified'),
        );
      },
    },
    // No read-ahead: gpg and openpgp.js only work as fast as the caller reads.
    { highWaterMark: 0 },
  );
  return { plaintext, verified: verification.promise };
}

async function startEngine(
  options: DecryptVerifiedStreamOptions,
): Promise<{ engine: TDecryptEngine; source: TPlaintextSource }> {
  const [decryptionKeys, signerKeys] = await Promise.all([
    unlockDecryptionKeys(options.decryptionKeys),
    readSignerKeys(options.signerPublicKeys),
  ]);
  const wanted = options.engine ?? DEFAULT_DECRYPT_ENGINE;
  if (wanted === 'gpg') {
    const gpg = await detectGpg();
    if (gpg) {
      return {
        engine: 'gpg',
        source: await decryptWithGpg({ input: options.input, gpg, decryptionKeys, signerKeys }),
      };
    }
    if (options.engine === 'gpg') {
      throw new AppError(
        'unavailable',
        'the gpg engine was asked for but GnuPG 2.1+ is not installed',
      );
    }
  }
  return {
    engine: 'openpgp',
    source: await decryptWithOpenpgp({
      input: options.input,
      decryptionKeys,
      signerKeys,
      maxPlaintextBytes: options.maxPlaintextBytes,
      rechunkBytes: options.rechunkBytes ?? DEFAULT_RECHUNK_BYTES,
    }),
  };
}

function assertOptions(options: DecryptVerifiedStreamOptions): void {
  if (!Number.isSafeInteger(options.maxPlaintextBytes) || options.maxPlaintextBytes <= 0) {
    throw new AppError('internal', 'maxPlaintextBytes must be a positive integer');
  }
  const { rechunkBytes } = options;
  if (
    rechunkBytes !== undefined &&
    (!Number.isSafeInteger(rechunkBytes) || rechunkBytes < 0 || rechunkBytes > MAX_RECHUNK_BYTES)
  ) {
    throw new AppError('internal', 'rechunkBytes must be an integer from 0 to 64 MiB');
  }
  if (options.engine !== undefined && options.engine !== 'gpg' && options.engine !== 'openpgp') {
    throw new AppError('internal', `unknown decryption engine ${String(options.engine)}`);
  }
}

/** Releases the input after a failure; a no-op when the engine already did. */
function discardInput(input: TEncryptedInput): void {
  if (input instanceof ReadableStream) {
    // Rejects when an engine still holds a reader on it; that engine cancels it itself.
    input.cancel().catch(() => undefined);
  } else if ('destroy' in input && typeof input.destroy === 'function') {
    input.destroy();
  }
}
