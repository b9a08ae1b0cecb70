import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeOutboxFile } from './write-outbox-file.ts';

describe('writeOutboxFile', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'outbox-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const data = new Uint8Array(Array.from({ length: 70_000 }, (_, index) => (index * 31) % 256));
  const sha256 = createHash('sha256').update(data).digest('hex');

  it('creates out/ 0700, writes the file 0600 and leaves no temporary file', async () => {
    const directory = path.join(root, 'C01', 'out');
    const written = await writeOutboxFile({
      directory,
      fileName: 'alliage-20260101-abcdef12.csv.gpg',
      data,
    });
    expect(written).toEqual({
      sizeBytes: data.byteLength,
      sha256,
      path: path.join(directory, 'alliage-20260101-abcdef12.csv.gpg'),
    });
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(statSync(written.path).mode & 0o777).toBe(0o600);
    expect(readFileSync(written.path).equals(Buffer.from(data))).toBe(true);
    expect(readdirSync(directory)).toEqual(['alliage-20260101-abcdef12.csv.gpg']);
  });

  it('refuses to replace an existing file and removes its temporary file', async () => {
    const directory = path.join(root, 'out');
    await writeOutboxFile({ directory, fileName: 'a.csv.gpg', data: new Uint8Array([1, 2, 3]) });
    await expect(writeOutboxFile({ directory, fileName: 'a.csv.gpg', data })).rejects.toMatchObject(
      {
        code: 'conflict',
        message: 'an outbox file of that name already exists',
      },
    );
    expect(readdirSync(directory)).toEqual(['a.csv.gpg']);
    expect([...readFileSync(path.join(directory, 'a.csv.gpg'))]).toEqual([1, 2, 3]);
  });

  it('refuses unsafe file names before touching the disk', async () => {
    const directory = path.join(root, 'out');
    for (const fileName of [
      '',
      '.hidden.gpg',
      '../escape.gpg',
      'a/b.gpg',
      'a..b.gpg',
      'espace .gpg',
      'é.gpg',
      'x'.repeat(201),
    ]) {
      await expect(writeOutboxFile({ directory, fileName, data })).rejects.toMatchObject({
        code: 'validation_failed',
      });
    }
    expect(readdirSync(root)).toEqual([]);
  });

  it('accepts a 200-character name', async () => {
    const fileName = `${'x'.repeat(196)}.gpg`;
    const written = await writeOutboxFile({ directory: root, fileName, data });
    expect(path.basename(written.path)).toBe(fileName);
  });

  it('reports a directory that cannot be created as retryable', async () => {
    const blocker = path.join(root, 'not-a-directory');
    writeFileSync(blocker, 'x');
    await expect(
      writeOutboxFile({ directory: path.join(blocker, 'out'), fileName: 'a.gpg', data }),
    ).rejects.toMatchObject({ code: 'unavailable', retry: true });
  });

  it('writes an empty file too', async () => {
    const written = await writeOutboxFile({
      directory: root,
      fileName: 'empty.gpg',
      data: new Uint8Array(),
    });
    expect(written.sizeBytes).toBe(0);
    expect(written.sha256).toBe(createHash('sha256').digest('hex'));
  });
});
