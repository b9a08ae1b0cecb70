import { createCipheriv } from 'node:crypto';
import { AppError } from '@alliage/domain';
import { randomFromWords } from './random-from-words.ts';

/**
 * A `() => number` in [0, 1) that is the same sequence for the same 32-byte key and
 * cannot be told from random without it: the AES-256-CTR keystream of the key, read as
 * little-endian 32-bit words (so every machine draws alike).
 *
 * @example
 * const random = createKeyedRandom(key); // key: 32 secret bytes
 */
export function createKeyedRandom(key: Uint8Array): () => number {
  if (key.length !== 32) throw new AppError('internal', 'a keyed random needs a 32-byte key');
  // A fixed counter start is safe: each key is used for this one stream only.
  const keystream = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return randomFromWords((words) => {
    const bytes = keystream.update(Buffer.alloc(words.byteLength));
    for (let index = 0; index < words.length; index += 1) {
      words[index] = bytes.readUInt32LE(index * 4);
    }
  });
}
