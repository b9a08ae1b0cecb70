import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from './read-csv-records.ts';

const dialect = { encoding: 'utf-8', delimiter: ';', quote: '"' } as const;

describe('readCsvRecords', () => {
  it('lets the caller write out between slices of a chunk, however large the chunk', async () => {
    const line = 'email;someone@example.test;all\n';
    const lineCount = 40_000;
    // The whole file in one chunk (~1.2 MB), as a decryptor may hand it over.
    const file = Buffer.from(`kind;value;scope\n${line.repeat(lineCount)}`);
    let sinceLastSlice = 0;
    let mostBetweenSlices = 0;
    let slices = 0;
    const read = await readCsvRecords({
      plaintext: Readable.from([file]),
      dialect,
      onHeader: () => true,
      onRecord: () => {
        sinceLastSlice += 1;
      },
      afterSlice: async () => {
        slices += 1;
        mostBetweenSlices = Math.max(mostBetweenSlices, sinceLastSlice);
        sinceLastSlice = 0;
      },
    });
    expect(read).toMatchObject({ headerSeen: true, rowCount: lineCount, malformed: null });
    expect(slices).toBe(Math.ceil(file.length / (64 * 1024)));
    // One 64 KiB slice's worth of records at most, not the 40,000 of the chunk.
    expect(mostBetweenSlices).toBeLessThanOrEqual(Math.ceil((64 * 1024) / line.length) + 1);
  });
});
