import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  connectSftp,
  eventsOf,
  HAS_OPENSSH_SFTP,
  type Harness,
  inboxOnDisk as inboxOnDiskOf,
  rawSftp,
  runOpenSshBatch,
  sftpCall,
  sha256,
  startHarness,
  waitFor,
} from './sftp-test-harness.ts';

const { STATUS_CODE } = ssh2.utils.sftp;

let harness: Harness;
afterEach(async () => {
  await harness?.close();
});

const inboxOnDisk = (organisationCode = 'M1') => inboxOnDiskOf(harness, organisationCode);

describe('uploads', () => {
  beforeEach(async () => {
    harness = await startHarness({ maxUploadBytes: 1024 * 1024 });
  });

  it('accepts an upload with ssh2-sftp-client: one onUploadComplete, right size and sha256', async () => {
    const data = randomBytes(300_000);
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    await client.put(data, '/in/customers-2026-03.csv.pgp');
    const listing = await client.list('/in');
    await client.end();

    expect(harness.uploads).toEqual([
      {
        organisationCode: 'M1',
        fileName: 'customers-2026-03.csv.pgp',
        path: join(harness.storageRoot, 'M1', 'in', 'customers-2026-03.csv.pgp'),
        size: data.length,
        sha256: sha256(data),
      },
    ]);
    expect(listing.map((entry) => [entry.name, entry.size])).toEqual([
      ['customers-2026-03.csv.pgp', data.length],
    ]);
    expect(await inboxOnDisk()).toEqual(['customers-2026-03.csv.pgp']);
    expect(
      await readFile(join(harness.storageRoot, 'M1', 'in', 'customers-2026-03.csv.pgp')),
    ).toEqual(data);
    expect(eventsOf(harness, 'file.received')).toMatchObject([
      {
        organisationCode: 'M1',
        details: { fileName: 'customers-2026-03.csv.pgp', size: data.length, sha256: sha256(data) },
      },
    ]);
    // Events carry ids and counts, never content.
    expect(JSON.stringify(harness.events)).not.toContain(data.subarray(0, 16).toString('base64'));
  });

  it('accepts parallel out-of-order writes (ssh2 fastPut) and hashes in file order', async () => {
    const data = randomBytes(700_000);
    const localPath = join(harness.directory, 'local.pgp');
    await writeFile(localPath, data);
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    await client.fastPut(localPath, '/in/fast.pgp', { concurrency: 16, chunkSize: 16_384 });
    await client.end();
    await waitFor(() => harness.uploads.length === 1);
    expect(harness.uploads[0]).toMatchObject({ size: data.length, sha256: sha256(data) });
    expect(await readFile(harness.uploads[0]!.path)).toEqual(data);
  });

  it.skipIf(!HAS_OPENSSH_SFTP)('accepts an upload with OpenSSH sftp', async () => {
    const data = randomBytes(200_000);
    const localPath = join(harness.directory, 'transactions.csv.gpg');
    await writeFile(localPath, data);
    const result = await runOpenSshBatch(harness, 'M1', harness.keys.M1, [
      'pwd',
      'ls /',
      'cd in',
      `put ${localPath} transactions.csv.gpg`,
      'ls -l',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('transactions.csv.gpg');
    expect(harness.uploads).toEqual([
      expect.objectContaining({
        organisationCode: 'M1',
        fileName: 'transactions.csv.gpg',
        size: data.length,
        sha256: sha256(data),
      }),
    ]);
    expect(await inboxOnDisk()).toEqual(['transactions.csv.gpg']);
  });

  it('refuses a name that already exists in in/, and keeps the first file', async () => {
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    await client.put(Buffer.from('first'), '/in/drop.pgp');
    await expect(client.put(Buffer.from('second'), '/in/drop.pgp')).rejects.toThrow();
    await client.end();
    expect(harness.uploads).toHaveLength(1);
    expect(await readFile(join(harness.storageRoot, 'M1', 'in', 'drop.pgp'), 'utf8')).toBe('first');
    await waitFor(() => eventsOf(harness, 'sftp.denied').length === 1);
    expect(eventsOf(harness, 'sftp.denied')[0]).toMatchObject({
      details: { reason: 'already_exists', fileName: 'drop.pgp' },
    });
    expect(await inboxOnDisk()).toEqual(['drop.pgp']);
  });

  it('refuses a second concurrent upload to a name being uploaded', async () => {
    const first = await connectSftp(harness, 'M1', harness.keys.M1);
    const second = await connectSftp(harness, 'M1', harness.keys.M1);
    const stream = first.createWriteStream('/in/same.pgp');
    await new Promise((resolve) => stream.once('ready', resolve));
    await expect(second.put(Buffer.from('other'), '/in/same.pgp')).rejects.toThrow();
    await new Promise<void>((resolve) => stream.end(Buffer.from('mine'), () => resolve()));
    await waitFor(() => harness.uploads.length === 1);
    await first.end();
    await second.end();
    expect(await readFile(join(harness.storageRoot, 'M1', 'in', 'same.pgp'), 'utf8')).toBe('mine');
  });

  it('gives a name to one of two OPENs sent at once, refusing the other at OPEN', async () => {
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const sftp = rawSftp(client);
    // Both requests leave before either answer: the server checks the disk for each.
    const opened = await Promise.all(
      [0, 1].map(() => sftpCall<Buffer>((done) => sftp.open('/in/race.pgp', 'w', done))),
    );
    const granted = opened.filter(({ code }) => code === 0);
    expect(granted).toHaveLength(1);
    expect(opened.find(({ code }) => code !== 0)?.code).toBe(STATUS_CODE.FAILURE);
    const handle = granted[0]?.result as Buffer;
    const bytes = Buffer.from('won');
    expect(
      (await sftpCall((done) => sftp.write(handle, bytes, 0, bytes.length, 0, done))).code,
    ).toBe(0);
    expect((await sftpCall((done) => sftp.close(handle, done))).code).toBe(0);
    await waitFor(() => harness.uploads.length === 1);
    await client.end();
    expect(await readFile(join(harness.storageRoot, 'M1', 'in', 'race.pgp'), 'utf8')).toBe('won');
    await waitFor(() => eventsOf(harness, 'sftp.denied').length === 1);
    expect(eventsOf(harness, 'sftp.denied')[0]).toMatchObject({
      details: { reason: 'name_in_use', fileName: 'race.pgp' },
    });
  });

  it.each([
    '/in/.hidden.pgp',
    '/in/-rf',
    '/in/name with spaces.pgp',
    '/in/café.pgp',
    `/in/${'x'.repeat(129)}`,
    '/in/sub/nested.pgp',
    '/in',
    '/',
  ])('refuses to create %j', async (remotePath) => {
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    await expect(client.put(Buffer.from('data'), remotePath)).rejects.toThrow();
    await client.end();
    expect(harness.uploads).toEqual([]);
    expect(await inboxOnDisk()).toEqual([]);
  });

  it('refuses an oversize upload while writing and leaves nothing behind', async () => {
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    await expect(client.put(randomBytes(1024 * 1024 + 1), '/in/big.pgp')).rejects.toThrow();
    await client.end();
    await waitFor(async () => (await inboxOnDisk()).length === 0);
    expect(harness.uploads).toEqual([]);
    expect(eventsOf(harness, 'sftp.denied')).toMatchObject([
      { organisationCode: 'M1', details: { reason: 'too_large', fileName: 'big.pgp' } },
    ]);
  });

  it('refuses a write far beyond the cap even at a single high offset', async () => {
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const sftp = rawSftp(client);
    const opened = await sftpCall<Buffer>((done) => sftp.open('/in/sparse.pgp', 'w', done));
    const handle = opened.result!;
    const write = await sftpCall((done) =>
      sftp.write(handle, Buffer.from('x'), 0, 1, 2 * 1024 * 1024, done),
    );
    expect(write.code).toBe(STATUS_CODE.FAILURE);
    const closed = await sftpCall((done) => sftp.close(handle, done));
    expect(closed.code).toBe(STATUS_CODE.FAILURE);
    await client.end();
    // The temp file of a failed upload is removed after its CLOSE is answered.
    await waitFor(async () => (await inboxOnDisk()).length === 0);
    expect(harness.uploads).toEqual([]);
  });

  it('refuses a file with a hole that was never written', async () => {
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const sftp = rawSftp(client);
    const handle = (await sftpCall<Buffer>((done) => sftp.open('/in/holey.pgp', 'w', done)))
      .result!;
    // A chunk past a hole is answered once it is on disk, i.e. here never: the
    // close finds the hole and the waiting write fails with it.
    const write = sftpCall((done) => sftp.write(handle, Buffer.from('tail'), 0, 4, 100, done));
    expect((await sftpCall((done) => sftp.close(handle, done))).code).toBe(STATUS_CODE.FAILURE);
    expect((await write).code).toBe(STATUS_CODE.FAILURE);
    await client.end();
    expect(await inboxOnDisk()).toEqual([]);
    expect(harness.uploads).toEqual([]);
  });

  it('when onUploadComplete throws, the client sees a failure and no final file remains', async () => {
    harness.onUploadComplete = async () => {
      throw new Error('queue down');
    };
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    await expect(client.put(Buffer.from('payload'), '/in/refused.pgp')).rejects.toThrow();
    expect(await client.list('/in')).toEqual([]);
    await client.end();
    expect(await inboxOnDisk()).toEqual([]);
    expect(eventsOf(harness, 'file.received')).toEqual([]);
    expect(eventsOf(harness, 'sftp.denied')).toMatchObject([
      { details: { reason: 'upload_refused', fileName: 'refused.pgp' } },
    ]);
  });

  it('calls onUploadComplete only after the file is complete under its final name', async () => {
    let seen: { names: string[]; content: string } | null = null;
    harness.onUploadComplete = async (upload) => {
      seen = { names: await inboxOnDisk(), content: await readFile(upload.path, 'utf8') };
    };
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    await client.put(Buffer.from('complete content'), '/in/ordered.pgp');
    await client.end();
    expect(seen).toEqual({ names: ['ordered.pgp'], content: 'complete content' });
  });

  it('a connection dropped mid-upload leaves no final file, no temp file, no onUploadComplete', async () => {
    const warnings: string[] = [];
    await harness.close();
    harness = await startHarness({
      logger: { info: () => undefined, warn: (_obj, msg) => warnings.push(msg ?? '') },
    });
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const stream = client.createWriteStream('/in/dropped.pgp');
    await new Promise((resolve) => stream.once('ready', resolve));
    await new Promise((resolve) => stream.write(randomBytes(100_000), resolve));
    // The temp file exists, hidden, while the upload is open.
    expect((await inboxOnDisk()).filter((name) => name.startsWith('.upload-'))).toHaveLength(1);
    expect(await client.list('/in')).toEqual([]);

    const socket = (client as unknown as { client: { _sock: { destroy(): void } } }).client._sock;
    socket.destroy();
    await waitFor(async () => (await inboxOnDisk()).length === 0);
    await waitFor(() => warnings.includes('upload abandoned: session ended before close'));
    expect(harness.uploads).toEqual([]);
    expect(eventsOf(harness, 'file.received')).toEqual([]);
  });

  it('ending the client while a write stream is open discards the upload too', async () => {
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const stream = client.createWriteStream('/in/ended.pgp');
    await new Promise((resolve) => stream.once('ready', resolve));
    await new Promise((resolve) => stream.write(randomBytes(50_000), resolve));
    await client.end();
    await waitFor(async () => (await inboxOnDisk()).length === 0);
    expect(harness.uploads).toEqual([]);
  });

  it('lets a member read its reports and a client its out/, each emitting file.downloaded', async () => {
    const member = await connectSftp(harness, 'M1', harness.keys.M1);
    // Area directories are created at login; the platform writes reports into them.
    await writeFile(join(harness.storageRoot, 'M1', 'reports', 'rejections.csv.pgp'), 'report');
    expect(String(await member.get('/reports/rejections.csv.pgp'))).toBe('report');
    await member.end();

    const client = await connectSftp(harness, 'C1', harness.keys.C1);
    await writeFile(join(harness.storageRoot, 'C1', 'out', 'delivery-42.csv.pgp'), 'delivery');
    expect((await client.list('/out')).map((entry) => entry.name)).toEqual(['delivery-42.csv.pgp']);
    expect(String(await client.get('/out/delivery-42.csv.pgp'))).toBe('delivery');
    await client.end();

    expect(eventsOf(harness, 'file.downloaded')).toMatchObject([
      {
        organisationCode: 'M1',
        details: { area: 'reports', fileName: 'rejections.csv.pgp', size: 6 },
      },
      {
        organisationCode: 'C1',
        details: { area: 'out', fileName: 'delivery-42.csv.pgp', size: 8 },
      },
    ]);
  });
});
