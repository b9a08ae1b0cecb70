import { describe, expect, it } from 'vitest';
import { transcodeToUtf8 } from './transcode-to-utf8.ts';

function chunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    parts.push(bytes.subarray(offset, offset + size));
  }
  return parts;
}

async function transcode(parts: Uint8Array[], encoding: 'utf-8' | 'windows-1252') {
  let read = 0;
  async function* source() {
    for (const part of parts) {
      read += 1;
      yield part;
    }
  }
  const output: Uint8Array[] = [];
  try {
    for await (const chunk of transcodeToUtf8(source(), encoding)) output.push(chunk);
    return { text: Buffer.concat(output).toString('utf8'), error: null, read };
  } catch (error) {
    return { text: null, error: error as Error & { code?: string }, read };
  }
}

// Windows-1252 bytes of: a header, then "Cœur;12,50 €" and "SÃO;Hélène".
const CP1252 = Uint8Array.from([
  ...Buffer.from('name;amount\r\nC'),
  0x9c,
  ...Buffer.from('ur;12,50 '),
  0x80,
  ...Buffer.from('\r\nS'),
  0xc3,
  ...Buffer.from('O;H'),
  0xe9,
  ...Buffer.from('l'),
  0xe8,
  ...Buffer.from('ne\r\n'),
]);

describe('transcodeToUtf8', () => {
  it('converts Windows-1252, a capital A tilde before a letter included, whatever the chunks', async () => {
    for (const size of [CP1252.length, 1, 2, 3]) {
      const { text, error } = await transcode(chunks(CP1252, size), 'windows-1252');
      expect(error).toBeNull();
      expect(text).toBe('name;amount\r\nCœur;12,50 €\r\nSÃO;Hélène\r\n');
    }
  });

  it('rejects UTF-8 sent under a Windows-1252 dialect, with the line and byte, whatever the chunks', async () => {
    const utf8 = Buffer.from('name;amount\r\nDupont;12\r\nHélène;3\r\n');
    for (const size of [utf8.length, 1, 2, 3, 26]) {
      const { error, read } = await transcode(chunks(utf8, size), 'windows-1252');
      expect(error?.code, `chunks of ${size}`).toBe('ALLIAGE_ENCODING');
      expect(error?.message).toBe(
        'the dialect declares windows-1252 but the file looks like UTF-8: line 3 (byte 26) holds a UTF-8 encoded accented letter (it would read as "Ã" and a symbol); send it in windows-1252 or set the encoding to utf-8',
      );
      // The source is read to its end (a decryptor upstream finishes its integrity check).
      expect(read).toBe(chunks(utf8, size).length);
    }
  });

  it('rejects a UTF-8 byte-order mark under a Windows-1252 dialect', async () => {
    const bom = Buffer.from('\uFEFFname;amount\r\nDupont;12\r\n');
    const { error } = await transcode(chunks(bom, 2), 'windows-1252');
    expect(error?.code).toBe('ALLIAGE_ENCODING');
    expect(error?.message).toContain('starts with a UTF-8 byte-order mark');
  });

  it('passes UTF-8 through under a UTF-8 dialect', async () => {
    const utf8 = Buffer.from('\uFEFFname\nHélène\n');
    expect((await transcode(chunks(utf8, 1), 'utf-8')).text).toBe('\uFEFFname\nHélène\n');
  });
});
