import { deflateRawSync } from 'node:zlib';
import { encryptRawPgpPackets } from './encrypt-raw-pgp-packets.ts';

export interface BuildNestedCompressionBombOptions {
  armoredPublicKey: string;
  /** Zero bytes the inner layer expands to (rounded down to 2 064 bytes). */
  expandedBytes: number;
}

const LENGTH_258_CODE = 0b11000101; // fixed Huffman code of literal/length 285 (length 258)
const DISTANCE_1_CODE = 0b00000; // fixed distance code 0 (distance 1)
/** Old-format Literal Data packet (tag 11) of indeterminate length, binary, no name, date 0. */
const LITERAL_HEADER = [0xaf, 0x62, 0x00, 0x00, 0x00, 0x00, 0x00];
/** Old-format Compressed Data packet (tag 8) of indeterminate length, ZIP (raw deflate). */
const COMPRESSED_HEADER = [0xa3, 0x01];

/**
 * An encrypted message whose compressed packet holds a compressed packet of zeros:
 * a few hundred KB that expand to `expandedBytes` (gigabytes if asked). The inner
 * deflate stream is written by hand (a literal 0, then "repeat 258 bytes at
 * distance 1" over and over, 13 bits each), which compressing real zeros would take
 * minutes to produce. Unsigned: the size cap must trip long before the end. Test-only.
 *
 * @example
 * const bomb = await buildNestedCompressionBomb({ armoredPublicKey, expandedBytes: 8 * 2 ** 30 });
 */
export async function buildNestedCompressionBomb(
  options: BuildNestedCompressionBombOptions,
): Promise<Uint8Array> {
  const inner = deflateZeros(LITERAL_HEADER, Math.floor(options.expandedBytes / (8 * 258)));
  const middle = Buffer.concat([Buffer.from(COMPRESSED_HEADER), inner]);
  const outer = Buffer.concat([
    Buffer.from(COMPRESSED_HEADER),
    deflateRawSync(middle, { level: 9 }),
  ]);
  return encryptRawPgpPackets({ packets: outer, armoredPublicKey: options.armoredPublicKey });
}

/** One final fixed-Huffman deflate block: `prefix` as literals, then 8 × 258 × `groups` zeros. */
function deflateZeros(prefix: number[], groups: number): Uint8Array {
  const head = new BitWriter();
  head.bits(1, 1); // BFINAL
  head.bits(1, 2); // BTYPE 01: fixed Huffman codes
  for (const byte of prefix) head.literal(byte);
  // Copies until byte-aligned, so that the 8-copy pattern below is whole bytes.
  while (head.bitLength % 8 !== 0) head.copy258();
  const pattern = new BitWriter();
  for (let copy = 0; copy < 8; copy += 1) pattern.copy258();
  const end = new BitWriter();
  end.code(0, 7); // end of block (256)
  const headBytes = head.toBytes();
  const patternBytes = pattern.toBytes();
  const endBytes = end.toBytes();
  const out = Buffer.alloc(headBytes.length + patternBytes.length * groups + endBytes.length);
  out.set(headBytes, 0);
  for (let group = 0; group < groups; group += 1) {
    out.set(patternBytes, headBytes.length + group * patternBytes.length);
  }
  out.set(endBytes, out.length - endBytes.length);
  return out;
}

/** Deflate bit order: fields least-significant bit first, Huffman codes most-significant first. */
class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private used = 0;

  get bitLength(): number {
    return this.bytes.length * 8 + this.used;
  }

  bits(value: number, count: number): void {
    for (let index = 0; index < count; index += 1) this.push((value >> index) & 1);
  }

  code(value: number, count: number): void {
    for (let index = count - 1; index >= 0; index -= 1) this.push((value >> index) & 1);
  }

  literal(byte: number): void {
    if (byte < 144) this.code(0x30 + byte, 8);
    else this.code(0x190 + byte - 144, 9);
  }

  copy258(): void {
    this.code(LENGTH_258_CODE, 8);
    this.code(DISTANCE_1_CODE, 5);
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.used === 0 ? this.bytes : [...this.bytes, this.current]);
  }

  private push(bit: number): void {
    this.current |= bit << this.used;
    this.used += 1;
    if (this.used === 8) {
      this.bytes.push(this.current);
      this.current = 0;
      this.used = 0;
    }
  }
}
