import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { readDecryptRejection, rejectDecryption } from './decrypt-rejection.ts';
import type { TPacketBodyReader } from './read-pgp-envelope.ts';

/** Decrypts a SEIPDv1 body (OpenPGP CFB + MDC, RFC 4880 §5.13) as it streams. */
export interface TSeipdV1Decryptor {
  /**
   * Next decrypted bytes of the inner message (not yet authenticated), or undefined
   * once the body ended AND its MDC matched; throws `integrity` when it does not.
   */
  read(): Promise<Uint8Array | undefined>;
  /**
   * Decrypts and hashes the rest without keeping it, and tells whether the MDC
   * matches: when the inner message fails to parse, an altered file must be
   * reported as such, not as a malformed one.
   */
  drainAndCheckIntegrity(): Promise<boolean>;
  /** True once the MDC of the whole body has matched. */
  readonly integrityVerified: boolean;
}

export interface CreateSeipdV1DecryptorOptions {
  encryptedData: TPacketBodyReader;
  sessionKey: { algorithm: string; data: Uint8Array };
  /** Smallest chunk `read` returns (but the last); 0 keeps the sender's framing. */
  chunkBytes: number;
  /** Called after the MDC matched, to refuse trailing data. */
  expectEnd: () => Promise<void>;
}

// openpgp names the session key algorithms; these are the ones GnuPG 2.2 and
// openpgp.js pick for platform keys. CAST5, Blowfish and Twofish are not in
// OpenSSL 3's default provider and nobody should still choose them.
const CIPHERS: Record<string, { nodeName: string; blockBytes: number; keyBytes: number }> = {
  aes128: { nodeName: 'aes-128-cfb', blockBytes: 16, keyBytes: 16 },
  aes192: { nodeName: 'aes-192-cfb', blockBytes: 16, keyBytes: 24 },
  aes256: { nodeName: 'aes-256-cfb', blockBytes: 16, keyBytes: 32 },
  tripledes: { nodeName: 'des-ede3-cfb', blockBytes: 8, keyBytes: 24 },
};
/** The MDC packet closing the plaintext: tag 0xD3, length 0x14, SHA-1 of all before. */
const MDC_PACKET_BYTES = 22;
const MIN_READ_BYTES = 64 * 1024;

/**
 * Streams the decryption of a SEIPDv1 packet body with Node's ciphers. openpgp.js
 * does this itself, but with `allowUnauthenticatedStream` its `decrypt()` never
 * settles when the compressed data is corrupt near the start, and on a parse error
 * it buffers the rest of the file to rank the MDC first; here the MDC is hashed as
 * the data passes and a parse error costs a drain, not memory.
 *
 * @example
 * const decryptor = createSeipdV1Decryptor({ encryptedData, sessionKey, chunkBytes: 1 << 20, expectEnd });
 * for (let bytes = await decryptor.read(); bytes; bytes = await decryptor.read()) parse(bytes);
 */
export function createSeipdV1Decryptor(options: CreateSeipdV1DecryptorOptions): TSeipdV1Decryptor {
  const cipher = CIPHERS[options.sessionKey.algorithm];
  if (!cipher) {
    throw rejectDecryption(
      'malformed',
      `cipher ${options.sessionKey.algorithm} is not accepted; encrypt with AES`,
    );
  }
  if (options.sessionKey.data.length !== cipher.keyBytes) {
    throw rejectDecryption('integrity', 'the session key has the wrong length (corrupt file)');
  }
  // OpenPGP CFB for SEIPD is plain CFB with a zero IV: the random prefix plays the IV's role.
  const decipher = createDecipheriv(
    cipher.nodeName,
    options.sessionKey.data,
    Buffer.alloc(cipher.blockBytes),
  );
  const mdc = createHash('sha1');
  const readBytes = Math.max(options.chunkBytes, MIN_READ_BYTES);
  let prefixToSkip = cipher.blockBytes + 2;
  // The last 22 bytes seen: the MDC packet if the body ends here, so never released early.
  let tail: Uint8Array = new Uint8Array(0);
  let integrityVerified = false;
  let failure: unknown;

  const decryptPiece = (encrypted: Uint8Array): Uint8Array[] => {
    const plain = decipher.update(encrypted);
    let released: Uint8Array[];
    if (plain.length >= MDC_PACKET_BYTES) {
      released = [tail, plain.subarray(0, plain.length - MDC_PACKET_BYTES)];
      tail = Buffer.from(plain.subarray(plain.length - MDC_PACKET_BYTES));
    } else {
      const joined = Buffer.concat([tail, plain]);
      const cut = Math.max(0, joined.length - MDC_PACKET_BYTES);
      released = [joined.subarray(0, cut)];
      tail = joined.subarray(cut);
    }
    const output: Uint8Array[] = [];
    for (const piece of released) {
      if (piece.length === 0) continue;
      mdc.update(piece);
      // The random prefix (block size + 2 repeated bytes) is hashed but is not message data.
      const skipped = Math.min(prefixToSkip, piece.length);
      prefixToSkip -= skipped;
      if (skipped < piece.length) output.push(piece.subarray(skipped));
    }
    return output;
  };

  const checkMdc = (): boolean => {
    decipher.final();
    if (
      prefixToSkip > 0 ||
      tail.length !== MDC_PACKET_BYTES ||
      tail[0] !== 0xd3 ||
      tail[1] !== 0x14
    ) {
      return false;
    }
    mdc.update(tail.subarray(0, 2));
    return timingSafeEqual(mdc.digest(), tail.subarray(2));
  };

  const finish = async (): Promise<void> => {
    if (!checkMdc()) {
      throw rejectDecryption(
        'integrity',
        'the integrity check (MDC) failed: the file was altered or truncated',
      );
    }
    integrityVerified = true;
    await options.expectEnd();
  };

  return {
    get integrityVerified() {
      return integrityVerified;
    },
    async read() {
      if (failure !== undefined) throw failure;
      if (integrityVerified) return undefined;
      const output: Uint8Array[] = [];
      let outputBytes = 0;
      try {
        while (outputBytes < Math.max(1, options.chunkBytes)) {
          const encrypted = await options.encryptedData.read(readBytes);
          if (!encrypted) {
            await finish();
            break;
          }
          for (const piece of decryptPiece(encrypted)) {
            output.push(piece);
            outputBytes += piece.length;
          }
        }
      } catch (error) {
        failure = error;
        throw error;
      }
      if (outputBytes === 0) return undefined;
      return output.length === 1 ? output[0]! : Buffer.concat(output, outputBytes);
    },
    async drainAndCheckIntegrity() {
      if (integrityVerified) return true;
      try {
        if (failure !== undefined) throw failure;
        while (true) {
          const encrypted = await options.encryptedData.read(readBytes);
          if (!encrypted) break;
          decryptPiece(encrypted);
        }
      } catch (error) {
        // A truncated body is an integrity failure; a failing input stays what it is.
        if (readDecryptRejection(error) === 'integrity') return false;
        throw error;
      }
      integrityVerified = checkMdc();
      return integrityVerified;
    },
  };
}
