import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { encryptSessionKey, readKey } from 'openpgp';

export interface EncryptRawPgpPacketsOptions {
  /** The OpenPGP packets to encrypt, as they are: no check that they form a message. */
  packets: Uint8Array;
  armoredPublicKey: string;
}

/**
 * Encrypts arbitrary packets to a key as SEIPDv1 (AES-256, MDC), the way GnuPG does,
 * so that tests can build files no honest encoder makes (nested compression, a
 * signature over other content) yet with a valid MDC. Test-only.
 *
 * @example
 * const file = await encryptRawPgpPackets({ packets: tamperedSignedMessage, armoredPublicKey });
 */
export async function encryptRawPgpPackets(
  options: EncryptRawPgpPacketsOptions,
): Promise<Uint8Array> {
  const encryptionKey = await readKey({ armoredKey: options.armoredPublicKey });
  const sessionKey = randomBytes(32);
  const sessionKeyPackets = await encryptSessionKey({
    data: sessionKey,
    algorithm: 'aes256',
    encryptionKeys: encryptionKey,
    format: 'binary',
  });
  const random = randomBytes(16);
  // RFC 4880 §5.13: a random block, its last two bytes repeated, the data, the MDC packet.
  const prefix = Buffer.concat([random, random.subarray(14, 16)]);
  const mdcHeader = Buffer.from([0xd3, 0x14]);
  const mdc = createHash('sha1').update(prefix).update(options.packets).update(mdcHeader).digest();
  const cipher = createCipheriv('aes-256-cfb', sessionKey, Buffer.alloc(16));
  const body = Buffer.concat([
    Buffer.from([1]),
    cipher.update(Buffer.concat([prefix, options.packets, mdcHeader, mdc])),
    cipher.final(),
  ]);
  return Buffer.concat([sessionKeyPackets, packetHeader(18, body.length), body]);
}

/** A new-format packet header with a five-octet length. */
export function packetHeader(tag: number, length: number): Uint8Array {
  const header = Buffer.alloc(6);
  header[0] = 0xc0 | tag;
  header[1] = 0xff;
  header.writeUInt32BE(length, 2);
  return header;
}
