import { randomBytes } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2, { type SFTPWrapper } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_TIMEOUT_MS } from '../src/create-sftp-server.ts';
import {
  publishTimeoutMs,
  REQUEST_TIMEOUT_MESSAGE,
  REQUEST_TIMEOUT_MS,
} from '../src/sftp-session-limits.ts';
import {
  connectSftp,
  eventsOf,
  HAS_OPENSSH_SFTP,
  type Harness,
  inboxOnDisk as inboxOnDiskOf,
  rawSftp,
  recordingLogger,
  runOpenSshBatch,
  sftpCall,
  sha256,
  stallDisk,
  startHarness,
  waitFor,
} from './sftp-test-harness.ts';

const { STATUS_CODE } = ssh2.utils.sftp;
const KiB = 1024;
const MiB = 1024 * KiB;
const CHUNK = 32 * KiB;

let harness: Harness;
afterEach(async () => {
  await harness?.close();
});

const inboxOnDisk = (organisationCode = 'M1') => inboxOnDiskOf(harness, organisationCode);

const openForWrite = async (sftp: SFTPWrapper, path: string): Promise<Buffer> => {
  const opened = await sftpCall<Buffer>((done) => sftp.open(path, 'w', done));
  expect(opened.code).toBe(0);
  return opened.result!;
};

/**
 * Sends every chunk from `CHUNK` up to `end` without ever sending offset 0, as a
 * client that wants the server to hold them would; resolves with each write's status.
 */
const writeAllButTheFirstChunk = (sftp: SFTPWrapper, handle: Buffer, end: number) => {
  const data = Buffer.alloc(CHUNK, 0x41);
  const writes: Promise<{ code: number }>[] = [];
  for (let offset = CHUNK; offset + CHUNK <= end; offset += CHUNK) {
    writes.push(sftpCall((done) => sftp.write(handle, data, 0, CHUNK, offset, done)));
  }
  return writes;
};

describe('upload data held in memory', () => {
  it('refuses a write far ahead of the data received, without holding it', async () => {
    harness = await startHarness();
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const sftp = rawSftp(client);
    const handle = await openForWrite(sftp, '/in/gap.pgp');

    const far = await sftpCall((done) =>
      sftp.write(handle, Buffer.alloc(CHUNK), 0, CHUNK, 9 * MiB, done),
    );
    expect(far.code).toBe(STATUS_CODE.FAILURE);
    expect((await sftpCall((done) => sftp.close(handle, done))).code).toBe(STATUS_CODE.FAILURE);
    await client.end();

    expect(harness.server.uploadBufferStats()).toMatchObject({ bytes: 0, peakBytes: 0 });
    expect(eventsOf(harness, 'sftp.denied')).toMatchObject([
      { organisationCode: 'M1', details: { reason: 'too_far_ahead', fileName: 'gap.pgp' } },
    ]);
    expect(harness.uploads).toEqual([]);
    // The temp file of a failed upload is removed after its CLOSE is answered.
    await waitFor(async () => (await inboxOnDisk()).length === 0);
  });

  it('bounds what waits for a gap per organisation and per process, across handles and sessions', async () => {
    const perOrganisationBytes = 1 * MiB;
    const totalBytes = 1.5 * MiB;
    harness = await startHarness({ uploadBuffer: { perOrganisationBytes, totalBytes } });
    const sessions = [
      { code: 'M1', client: await connectSftp(harness, 'M1', harness.keys.M1) },
      { code: 'M1', client: await connectSftp(harness, 'M1', harness.keys.M1) },
      { code: 'M10', client: await connectSftp(harness, 'M10', harness.keys.M10) },
    ];
    const writes: Promise<{ code: number }>[] = [];
    const handles: { sftp: SFTPWrapper; handle: Buffer }[] = [];
    for (const [index, { client }] of sessions.entries()) {
      const sftp = rawSftp(client);
      for (let upload = 0; upload < 4; upload += 1) {
        const handle = await openForWrite(sftp, `/in/s${index}-u${upload}.pgp`);
        handles.push({ sftp, handle });
        // 4 uploads × 3 sessions × ~2 MiB: 24 MiB offered, 1.5 MiB may be held.
        writes.push(...writeAllButTheFirstChunk(sftp, handle, 2 * MiB));
      }
    }
    const closes = handles.map(({ sftp, handle }) => sftpCall((done) => sftp.close(handle, done)));
    const outcomes = await Promise.all([...writes, ...closes]);
    for (const { client } of sessions) await client.end();

    // Nothing before the gap ever came: no write may be acknowledged as stored.
    expect(outcomes.every(({ code }) => code === STATUS_CODE.FAILURE)).toBe(true);
    const stats = harness.server.uploadBufferStats();
    expect(stats.bytes).toBe(0);
    expect(stats.peakBytes).toBeLessThanOrEqual(totalBytes);
    expect(stats.peakBytesByOrganisation.M1).toBeLessThanOrEqual(perOrganisationBytes);
    expect(stats.peakBytesByOrganisation.M1).toBeGreaterThan(perOrganisationBytes / 2);
    expect(stats.peakBytesByOrganisation.M10).toBeLessThanOrEqual(perOrganisationBytes);
    const reasons = new Set(eventsOf(harness, 'sftp.denied').map((event) => event.details.reason));
    expect(reasons.has('buffer_full')).toBe(true);
    expect(harness.uploads).toEqual([]);
    // The temp files of failed uploads are removed after their CLOSE is answered.
    await waitFor(async () => (await inboxOnDisk('M1')).length === 0, 30_000);
    await waitFor(async () => (await inboxOnDisk('M10')).length === 0, 30_000);
  });

  it('a stalled disk: the client is told at once to retry, and nothing partial is published', async () => {
    harness = await startHarness({ uploadBuffer: { perOrganisationBytes: 1 * MiB } });
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const sftp = rawSftp(client);
    const handle = await openForWrite(sftp, '/in/stalled.pgp');
    const data = randomBytes(2 * MiB);
    const disk = await stallDisk(harness);
    let writes: Promise<{ code: number; message: string }>[];
    try {
      // In order, as OpenSSH sftp and fastPut send: 64 × 32 KiB in flight, none reaches the disk.
      writes = Array.from(
        { length: data.length / CHUNK },
        (_, index) =>
          new Promise((resolve) => {
            const offset = index * CHUNK;
            sftp.write(handle, data, offset, CHUNK, offset, (error) => {
              const failed = error as (Error & { code?: number }) | null | undefined;
              resolve({ code: failed?.code ?? 0, message: failed?.message ?? '' });
            });
          }),
      );
      // Past the organisation's 1 MiB the upload fails, and the client hears it while
      // the disk is still stalled: the refused write and the CLOSE that follows
      // (what fastPut does on an error) are answered without waiting for the disk.
      expect((await writes.at(-1))?.code).toBe(STATUS_CODE.FAILURE);
      const closing = sftpCall((done) => sftp.close(handle, done));
      const noAnswer = new Promise<{ code: 'no answer' }>((resolve) =>
        setTimeout(resolve, 5000, { code: 'no answer' }),
      );
      expect((await Promise.race([closing, noAnswer])).code).toBe(STATUS_CODE.FAILURE);
    } finally {
      await disk.resume();
    }

    const outcomes = await Promise.all(writes);
    expect(outcomes.filter(({ code }) => code === 0)).toEqual([]);
    expect(outcomes.map(({ message }) => message)).toContain(
      'Server busy: too much upload data pending, retry later',
    );
    expect(eventsOf(harness, 'sftp.denied')).toMatchObject([
      { organisationCode: 'M1', details: { reason: 'buffer_full', fileName: 'stalled.pgp' } },
    ]);
    await waitFor(async () => (await inboxOnDisk()).length === 0);
    expect(harness.uploads).toEqual([]);
    expect(harness.server.uploadBufferStats().bytes).toBe(0);

    // Once the disk answers, sending the file again under the same name succeeds.
    await client.put(data, '/in/stalled.pgp');
    await client.end();
    expect(harness.uploads).toMatchObject([{ fileName: 'stalled.pgp', sha256: sha256(data) }]);
  });

  it('keeps ssh2 fastPut at its defaults (64 × 32 KiB in flight) working, several files at once', async () => {
    harness = await startHarness();
    const files = await Promise.all(
      [0, 1, 2, 3].map(async (index) => {
        const data = randomBytes(3 * MiB + index);
        const localPath = join(harness.directory, `local-${index}.pgp`);
        await writeFile(localPath, data);
        return { data, localPath, remotePath: `/in/fast-${index}.pgp` };
      }),
    );
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    await Promise.all(files.map((file) => client.fastPut(file.localPath, file.remotePath)));
    await client.end();

    expect(harness.uploads.map((upload) => upload.sha256).sort()).toEqual(
      files.map((file) => sha256(file.data)).sort(),
    );
    expect(await readFile(join(harness.storageRoot, 'M1', 'in', 'fast-0.pgp'))).toEqual(
      files[0]!.data,
    );
    const stats = harness.server.uploadBufferStats();
    expect(stats.bytes).toBe(0);
    // Each upload holds at most the client's own window: 64 × 32 KiB.
    expect(stats.peakBytes).toBeLessThanOrEqual(4 * 64 * CHUNK);
    expect(eventsOf(harness, 'sftp.denied')).toEqual([]);
  });

  it.skipIf(!HAS_OPENSSH_SFTP)('keeps OpenSSH sftp (64 × 32 KiB in flight) working', async () => {
    harness = await startHarness();
    const data = randomBytes(6 * MiB);
    const localPath = join(harness.directory, 'customers.csv.gpg');
    await writeFile(localPath, data);
    const result = await runOpenSshBatch(harness, 'M1', harness.keys.M1, [
      `put ${localPath} /in/customers.csv.gpg`,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(harness.uploads).toMatchObject([{ size: data.length, sha256: sha256(data) }]);
    expect(harness.server.uploadBufferStats()).toMatchObject({ bytes: 0 });
  });

  it('allows 10 uploads open at once per session, not 11, and other handles meanwhile', async () => {
    harness = await startHarness();
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const sftp = rawSftp(client);
    const opened = await Promise.all(
      Array.from({ length: 11 }, (_, index) =>
        sftpCall<Buffer>((done) => sftp.open(`/in/open-${index}.pgp`, 'w', done)),
      ),
    );
    expect(opened.filter(({ code }) => code === 0)).toHaveLength(10);
    expect(opened.filter(({ code }) => code === STATUS_CODE.FAILURE)).toHaveLength(1);
    expect((await client.list('/reports')).length).toBe(0);

    // Closing one frees its place.
    const first = opened.find(({ code }) => code === 0)!.result!;
    expect(
      (await sftpCall((done) => sftp.write(first, Buffer.from('x'), 0, 1, 0, done))).code,
    ).toBe(0);
    expect((await sftpCall((done) => sftp.close(first, done))).code).toBe(0);
    expect((await sftpCall((done) => sftp.open('/in/open-again.pgp', 'w', done))).code).toBe(0);
    await client.end();
    expect(harness.uploads).toHaveLength(1);
  });

  it('keeps ssh2-sftp-client uploadDir (10 uploads in parallel) working', async () => {
    harness = await startHarness();
    const localDirectory = join(harness.directory, 'batch');
    await mkdir(localDirectory);
    for (let index = 0; index < 12; index += 1) {
      await writeFile(join(localDirectory, `part-${index}.pgp`), randomBytes(100 * KiB));
    }
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    await client.uploadDir(localDirectory, '/in');
    await client.end();
    expect(harness.uploads).toHaveLength(12);
  });
});

/** Resolves with the status code and message of a raw request (0 = OK). */
const answerOf = (call: (done: (error?: Error | null) => void) => void) =>
  new Promise<{ code: number; message: string }>((resolve) => {
    call((error) => {
      const failed = error as (Error & { code?: number }) | null | undefined;
      resolve({ code: failed ? (failed.code ?? -1) : 0, message: failed?.message ?? '' });
    });
  });

/**
 * Waits until the server holds exactly one deadline on the injected clock (the
 * request's or `close()`'s; an account lookup's is gone once it answered): the work
 * is now waiting on the disk. Without deadlines there is none: go on, and fail below.
 */
const waitingOnTheDisk = () =>
  waitFor(() => harness.pendingTimers() === 1, 2000).catch(() => undefined);

/** What `pending` settled with, or 'no answer' if it is still pending after polling for 2 s. */
const outcome = async <T>(pending: Promise<T>): Promise<T | 'no answer'> => {
  let settled = false;
  void pending.finally(() => {
    settled = true;
  });
  await waitFor(() => settled, 2000).catch(() => undefined);
  return settled ? pending : 'no answer';
};

describe('a disk that stops answering', () => {
  it('an OPEN is answered FAILURE at its deadline; the file opened late is thrown away', async () => {
    harness = await startHarness();
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const sftp = rawSftp(client);
    const disk = await stallDisk(harness);
    let opened: { code: number; message: string };
    try {
      const opening = answerOf((done) => sftp.open('/in/late.pgp', 'w', done));
      await waitingOnTheDisk();
      harness.advance(REQUEST_TIMEOUT_MS / 1000);
      const answer = await outcome(opening);
      expect(answer).not.toBe('no answer');
      opened = await opening;
    } finally {
      await disk.resume();
    }
    expect(opened).toEqual({ code: STATUS_CODE.FAILURE, message: REQUEST_TIMEOUT_MESSAGE });
    // The upload the disk opened late has no handle: its temp file is deleted, the name
    // free. That happens once the OPEN's work, resumed with the disk, has opened the temp
    // file and thrown it away; until then the name reads "File is being uploaded". (An
    // empty inbox is no signal: it is empty before the temp file is created, too.)
    await waitFor(async () => {
      try {
        await client.put(Buffer.from('on time'), '/in/late.pgp');
        return true;
      } catch (error) {
        if (/File is being uploaded/.test(String((error as Error).message))) return false;
        throw error;
      }
    });
    await client.end();
    expect(harness.uploads).toMatchObject([{ fileName: 'late.pgp', size: 7 }]);
    expect(await inboxOnDisk()).toEqual(['late.pgp']);
  });

  it('a CLOSE is answered FAILURE at its deadline, close() ends at its own, and the late disk publishes nothing', async () => {
    const { entries, logger } = recordingLogger();
    harness = await startHarness({ logger });
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const sftp = rawSftp(client);
    const opened = await sftpCall<Buffer>((done) => sftp.open('/in/stuck.pgp', 'w', done));
    const handle = opened.result!;
    const data = randomBytes(4 * CHUNK);
    for (let offset = 0; offset < data.length; offset += CHUNK) {
      expect(
        (await answerOf((done) => sftp.write(handle, data, offset, CHUNK, offset, done))).code,
      ).toBe(0);
    }

    const disk = await stallDisk(harness);
    try {
      // Every byte is on disk; publishing waits for the fsync, which never comes.
      const closing = answerOf((done) => sftp.close(handle, done));
      await waitingOnTheDisk();
      // Publishing gets the request deadline plus the time to flush the file.
      harness.advance(REQUEST_TIMEOUT_MS / 1000);
      expect(await outcome(closing)).toBe('no answer');
      harness.advance(Math.ceil((publishTimeoutMs(data.length) - REQUEST_TIMEOUT_MS) / 1000));
      expect(await outcome(closing)).toEqual({
        code: STATUS_CODE.FAILURE,
        message: REQUEST_TIMEOUT_MESSAGE,
      });

      // Shutdown cuts the connection and waits for the upload, at most until its deadline.
      const serverClosing = harness.server.close().then(() => 'closed');
      await waitingOnTheDisk();
      harness.advance(CLOSE_TIMEOUT_MS / 1000);
      expect(await outcome(serverClosing)).toBe('closed');
      expect(entries).toContainEqual({
        msg: 'sftp closed with disk work still pending',
        obj: { pending: 1, timeoutSeconds: CLOSE_TIMEOUT_MS / 1000 },
      });
    } finally {
      await disk.resume();
    }

    // The disk answers after all: the upload is thrown away, never published. The file
    // goes before the line that says so is logged: wait for both.
    const givenUp = 'upload not published: completed after its request was given up';
    await waitFor(
      async () => (await inboxOnDisk()).length === 0 && entries.some(({ msg }) => msg === givenUp),
    );
    expect(harness.uploads).toEqual([]);
    expect(entries.map(({ msg }) => msg)).toContain(givenUp);
  });
});

/**
 * Opens `path` for reading while the disk is stalled, lets the request deadline
 * pass, then lets the disk answer; resolves with what the client was told.
 */
const openReadPastTheDeadline = async (organisationCode: 'M1' | 'C1', path: string) => {
  const client = await connectSftp(harness, organisationCode, harness.keys[organisationCode]);
  const sftp = rawSftp(client);
  const disk = await stallDisk(harness);
  try {
    const opening = answerOf((done) => sftp.open(path, 'r', done));
    // The request's own deadline is the only one left once the account lookup answered.
    await waitingOnTheDisk();
    harness.advance(REQUEST_TIMEOUT_MS / 1000);
    return { client, answer: await opening };
  } finally {
    await disk.resume();
  }
};

describe('audit events of requests answered FAILURE at their deadline', () => {
  it('a download OPEN the client was told failed records no file.downloaded', async () => {
    const { entries, logger } = recordingLogger();
    harness = await startHarness({ logger });
    // A first login creates the areas.
    await (await connectSftp(harness, 'M1', harness.keys.M1)).end();
    await writeFile(join(harness.storageRoot, 'M1', 'reports', 'late.pgp'), 'M1 report');

    const { client, answer } = await openReadPastTheDeadline('M1', '/reports/late.pgp');
    expect(answer).toEqual({ code: STATUS_CODE.FAILURE, message: REQUEST_TIMEOUT_MESSAGE });

    // The late OPEN ends either way: with the event (wrong) or with its log line.
    const late = 'download not recorded: its OPEN was given up (deadline passed or session ended)';
    await waitFor(
      () =>
        eventsOf(harness, 'file.downloaded').length > 0 || entries.some(({ msg }) => msg === late),
    );
    expect(eventsOf(harness, 'file.downloaded')).toEqual([]);

    // Asked again on time, the download is served and recorded once.
    expect(String(await client.get('/reports/late.pgp'))).toBe('M1 report');
    await client.end();
    expect(eventsOf(harness, 'file.downloaded')).toMatchObject([
      { details: { area: 'reports', fileName: 'late.pgp' } },
    ]);
  });

  it('a refusal found after the deadline is recorded as not what the client was told', async () => {
    harness = await startHarness();
    await (await connectSftp(harness, 'M1', harness.keys.M1)).end();
    await symlink('/etc/passwd', join(harness.storageRoot, 'M1', 'reports', 'passwd.pgp'));

    const { client, answer } = await openReadPastTheDeadline('M1', '/reports/passwd.pgp');
    expect(answer).toEqual({ code: STATUS_CODE.FAILURE, message: REQUEST_TIMEOUT_MESSAGE });
    await waitFor(() => eventsOf(harness, 'sftp.denied').length > 0);
    expect(eventsOf(harness, 'sftp.denied')).toMatchObject([
      { details: { operation: 'read', reason: 'symlink_on_disk', unanswered: 'request_timeout' } },
    ]);

    // On time, the same refusal is what the client gets, and the event says nothing more.
    await expect(client.get('/reports/passwd.pgp')).rejects.toThrow();
    await client.end();
    const denied = eventsOf(harness, 'sftp.denied');
    expect(denied).toHaveLength(2);
    expect(denied[1]!.details).not.toHaveProperty('unanswered');
  });
});
