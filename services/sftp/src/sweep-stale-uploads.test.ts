import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { sweepStaleUploads } from './sweep-stale-uploads.ts';

let root: string;
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

it('removes only temp upload files untouched for longer than the limit', async () => {
  root = await mkdtemp(join(tmpdir(), 'alliage-sweep-'));
  const inbox = join(root, 'M1', 'in');
  await mkdir(inbox, { recursive: true });
  await mkdir(join(root, 'C1', 'out'), { recursive: true });
  const names = ['.upload-aa.part', '.upload-bb.part', 'old-drop.pgp', '.other'];
  for (const name of names) await writeFile(join(inbox, name), 'x');
  const twoDaysAgo = new Date(Date.now() - 48 * 3600_000);
  for (const name of ['.upload-aa.part', 'old-drop.pgp', '.other']) {
    await utimes(join(inbox, name), twoDaysAgo, twoDaysAgo);
  }

  expect(await sweepStaleUploads(root, 24 * 3600_000, new Date())).toBe(1);
  expect((await readdir(inbox)).sort()).toEqual(['.other', '.upload-bb.part', 'old-drop.pgp']);
});
