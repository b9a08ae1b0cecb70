import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkRepoussoirCsv, repoussoirCsvBatches } from './read-repoussoir-csv.ts';

describe('repoussoir CSV, streamed twice', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'alliage-repoussoir-csv-'));
    file = path.join(dir, 'list.csv');
    const lines = Array.from({ length: 5 }, (_, index) => `phone,0${612_000_000 + index}`);
    writeFileSync(file, ['kind,value', ...lines, ''].join('\n'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const collect = async (size: number) => {
    const csv = await checkRepoussoirCsv(file);
    const batches: number[][] = [];
    return {
      csv,
      batches,
      read: async () => {
        for await (const batch of repoussoirCsvBatches(csv, size)) {
          batches.push(batch.map((entry) => entry.line));
        }
      },
    };
  };

  it('reads the checked file again in batches of the given size, in file order', async () => {
    const { csv, batches, read } = await collect(2);
    expect(csv).toEqual({ file, entries: 5 });
    await read();
    expect(batches).toEqual([[2, 3], [4, 5], [6]]);
  });

  it('fails before the last batch when the file grew or changed since its check', async () => {
    const grown = await collect(2);
    appendFileSync(file, 'phone,0612000009\n');
    await expect(grown.read()).rejects.toMatchObject({
      code: 'conflict',
      message: `${file} changed after it was checked`,
    });
    expect(grown.batches).toEqual([
      [2, 3],
      [4, 5],
    ]);

    const changed = await collect(10);
    appendFileSync(file, 'fax,0145454545\n');
    await expect(changed.read()).rejects.toMatchObject({ code: 'conflict' });
    expect(changed.batches).toEqual([]);
  });

  it('fails as soon as a grown file passes its checked count, handing over none of the extra lines', async () => {
    const grown = await collect(2);
    appendFileSync(
      file,
      ['0612000010', '0612000011', '0612000012', '0612000013'].map((n) => `phone,${n}\n`).join(''),
    );
    await expect(grown.read()).rejects.toMatchObject({ code: 'conflict' });
    // Lines 2–6 were checked; 7–10 came after: no batch holds any of them.
    expect(grown.batches).toEqual([
      [2, 3],
      [4, 5],
    ]);
  });

  it('refuses a file it cannot read', async () => {
    await expect(checkRepoussoirCsv(path.join(dir, 'missing.csv'))).rejects.toMatchObject({
      code: 'validation_failed',
      message: `cannot read ${path.join(dir, 'missing.csv')}`,
    });
  });
});
