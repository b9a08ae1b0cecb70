import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2, { type SFTPWrapper } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import type { SftpAccount, SftpServerOptions } from '../src/index.ts';
import {
  ACCOUNT_CHECK_TIMEOUT_MESSAGE,
  ACCOUNT_LOOKUP_TIMEOUT_MS,
  ACCOUNT_RECHECK_MS,
} from '../src/sftp-session-limits.ts';
import {
  connectSftp,
  eventsOf,
  type Harness,
  inboxOnDisk,
  rawSftp,
  recordingLogger,
  sftpCall,
  sha256,
  startHarness,
  waitFor,
} from './sftp-test-harness.ts';

const { STATUS_CODE } = ssh2.utils.sftp;
const KiB = 1024;
const MiB = 1024 * KiB;
/** Under ssh2's largest WRITE to a non-OpenSSH server (34000 bytes less overhead): one request each. */
const CHUNK = 16 * KiB;

let harness: Harness;
afterEach(async () => {
  await harness?.close();
});

/**
 * A harness whose account lookups, once `hold()` is called, wait until the test
 * calls `release()`: a slow control plane, made slow deterministically.
 */
const startHarnessWithHeldLookups = async (overrides: Partial<SftpServerOptions> = {}) => {
  let held: Promise<void> | null = null;
  let open = (): void => undefined;
  const lookups = { waiting: 0, started: 0 };
  harness = await startHarness({
    ...overrides,
    lookupAccount: async (username) => {
      lookups.started += 1;
      if (held) {
        lookups.waiting += 1;
        await held;
        lookups.waiting -= 1;
      }
      return harness.accounts.get(username) ?? null;
    },
  });
  return {
    lookups,
    /** From now on lookups wait; the next WRITE past the re-check interval starts one. */
    hold() {
      held = new Promise((resolve) => {
        open = resolve;
      });
      harness.advance(ACCOUNT_RECHECK_MS / 1000);
    },
    release() {
      held = null;
      open();
    },
  };
};

/** Waits (2 s at most) until the budget holds `bytes`, then checks it, so a failure shows what it held. */
const expectHeldBytes = async (bytes: number): Promise<void> => {
  await waitFor(() => harness.server.uploadBufferStats().bytes === bytes, 2000).catch(
    () => undefined,
  );
  expect(harness.server.uploadBufferStats().bytes).toBe(bytes);
};

const OK = { code: 0, message: '' };

/** Sends `data[offset, offset + CHUNK)` for each offset; resolves with each write's status. */
const writeChunks = (sftp: SFTPWrapper, handle: Buffer, data: Buffer, offsets: number[]) =>
  offsets.map(
    (offset) =>
      new Promise<{ code: number; message: string }>((resolve) => {
        sftp.write(handle, data, offset, CHUNK, offset, (error) => {
          const failed = error as (Error & { code?: number }) | null | undefined;
          // An error without a code: the connection closed before an answer.
          resolve(failed ? { code: failed.code ?? -1, message: failed.message } : OK);
        });
      }),
  );

/** Offsets of every chunk after the first, last first: the writer must place them by offset. */
const chunksAfterTheFirst = (size: number): number[] =>
  Array.from({ length: size / CHUNK - 1 }, (_, index) => size - CHUNK * (index + 1));

/**
 * Logs in as M1, opens `path` and writes its first chunk; then holds lookups (the
 * re-check is due) and sends the other chunks of `size` random bytes, last first.
 */
const uploadDuringHeldLookup = async (
  path: string,
  size: number,
  overrides: Partial<SftpServerOptions> = {},
) => {
  const control = await startHarnessWithHeldLookups(overrides);
  const client = await connectSftp(harness, 'M1', harness.keys.M1);
  const sftp = rawSftp(client);
  const data = randomBytes(size);
  const opened = await sftpCall<Buffer>((done) => sftp.open(path, 'w', done));
  expect(opened.code).toBe(0);
  const handle = opened.result!;
  expect((await sftpCall((done) => sftp.write(handle, data, 0, CHUNK, 0, done))).code).toBe(0);

  control.hold();
  const offsets = chunksAfterTheFirst(size);
  const writes = writeChunks(sftp, handle, data, offsets);
  const close = () => sftpCall((done) => sftp.close(handle, done));
  return { control, client, data, writes, close, heldBytes: offsets.length * CHUNK };
};

describe('upload data that arrives while the account is re-checked', () => {
  it('is counted in the upload budget, then written in place: the file is byte-identical', async () => {
    const upload = await uploadDuringHeldLookup('/in/spanning.pgp', 1 * MiB);
    const { control, client, data, writes } = upload;
    // Every chunk is held in memory while the lookup runs: the budget must say so.
    await expectHeldBytes(upload.heldBytes);
    expect(control.lookups.waiting).toBe(1);
    control.release();

    expect((await Promise.all(writes)).filter(({ code }) => code !== 0)).toEqual([]);
    expect((await upload.close()).code).toBe(0);
    await client.end();
    expect(harness.uploads).toMatchObject([{ fileName: 'spanning.pgp', sha256: sha256(data) }]);
    const published = await readFile(join(harness.storageRoot, 'M1', 'in', 'spanning.pgp'));
    expect(sha256(published)).toBe(sha256(data));
    expect(harness.server.uploadBufferStats().bytes).toBe(0);
  });

  it('is refused at once with buffer_full past the organisation budget, and freed', async () => {
    const perOrganisationBytes = 1 * MiB;
    const upload = await uploadDuringHeldLookup('/in/over-budget.pgp', 2 * MiB, {
      uploadBuffer: { perOrganisationBytes },
    });
    const { control, client } = upload;
    const answers: { code: number; message: string }[] = [];
    const writes = upload.writes.map((write) => write.then((answer) => answers.push(answer)));
    // Answered while the lookup is still held: the client hears "retry later" at once.
    await waitFor(() => answers.length > 0, 2000).catch(() => undefined);
    expect(answers.filter(({ code }) => code === STATUS_CODE.FAILURE)).not.toEqual([]);
    expect(control.lookups.waiting).toBe(1);
    expect(answers.map(({ message }) => message)).toContain(
      'Server busy: too much upload data pending, retry later',
    );
    expect(harness.server.uploadBufferStats().peakBytesByOrganisation.M1).toBeLessThanOrEqual(
      perOrganisationBytes,
    );
    control.release();

    await Promise.all(writes);
    expect(answers.filter(({ code }) => code === 0)).toEqual([]);
    expect((await upload.close()).code).toBe(STATUS_CODE.FAILURE);
    await client.end();
    expect(eventsOf(harness, 'sftp.denied')).toMatchObject([
      { organisationCode: 'M1', details: { reason: 'buffer_full', fileName: 'over-budget.pgp' } },
    ]);
    expect(harness.server.uploadBufferStats().bytes).toBe(0);
    expect(harness.uploads).toEqual([]);
    await waitFor(async () => (await inboxOnDisk(harness, 'M1')).length === 0);
  });

  it('is freed and nothing published when the lookup finds the key revoked', async () => {
    const upload = await uploadDuringHeldLookup('/in/revoked.pgp', 512 * KiB);
    const { control, client, writes } = upload;
    await expectHeldBytes(upload.heldBytes);
    const account = harness.accounts.get('M1') as SftpAccount;
    harness.accounts.set('M1', { ...account, publicKeys: [] });
    control.release();

    const codes = new Set((await Promise.all(writes)).map(({ code }) => code));
    expect(codes.has(0)).toBe(false);
    expect(codes.has(STATUS_CODE.PERMISSION_DENIED)).toBe(true);
    await client.end();
    // One revocation, one event: the writes that waited on the same lookup add none.
    expect(eventsOf(harness, 'sftp.denied').map((event) => event.details.reason)).toEqual([
      'key_revoked',
    ]);
    expect(harness.server.uploadBufferStats().bytes).toBe(0);
    await waitFor(async () => (await inboxOnDisk(harness, 'M1')).length === 0);
    expect(harness.uploads).toEqual([]);
  });

  it('is freed when the session ends, even before the lookup answers', async () => {
    const upload = await uploadDuringHeldLookup('/in/dropped.pgp', 512 * KiB);
    const { control, client } = upload;
    await expectHeldBytes(upload.heldBytes);
    await client.end();
    // The upload is discarded with its session; what it held goes back to the budget now.
    await expectHeldBytes(0);
    expect(control.lookups.waiting).toBe(1);
    control.release();
    await waitFor(async () => (await inboxOnDisk(harness, 'M1')).length === 0);
    expect(harness.uploads).toEqual([]);
  });
});

describe('an account lookup that never answers (a hung control plane)', () => {
  it('fails the waiting requests at its deadline, frees their data, keeps the session, and lets a later request look again', async () => {
    const { entries, logger } = recordingLogger();
    const upload = await uploadDuringHeldLookup('/in/hung.pgp', 512 * KiB, { logger });
    const { control, client, writes } = upload;
    await expectHeldBytes(upload.heldBytes);
    expect(control.lookups.waiting).toBe(1);

    // The control plane never answers; the lookup's deadline passes on the injected clock.
    harness.advance(ACCOUNT_LOOKUP_TIMEOUT_MS / 1000);
    const answers = await Promise.all(writes);
    expect(answers.filter(({ code }) => code !== STATUS_CODE.FAILURE)).toEqual([]);
    expect(answers.map(({ message }) => message)).toContain(ACCOUNT_CHECK_TIMEOUT_MESSAGE);
    // The held bytes are back in the budget and the upload is discarded, not published.
    await expectHeldBytes(0);
    await waitFor(async () => (await inboxOnDisk(harness, 'M1')).length === 0);
    expect(entries).toContainEqual({
      msg: 'account check failed',
      obj: expect.objectContaining({ organisationCode: 'M1', err: 'account_lookup_timeout' }),
    });
    // IDs and codes only in what was logged about it.
    const logged = entries.filter(({ obj }) => obj.err === 'account_lookup_timeout');
    for (const { obj } of logged) {
      expect(Object.keys(obj).sort()).toEqual(
        expect.arrayContaining(['connectionId', 'err', 'organisationCode']),
      );
      expect(JSON.stringify(obj)).not.toContain('hung.pgp');
    }

    // The session lives on; the next request starts a new lookup (the first is still hung).
    const sftp = rawSftp(client);
    const opening = sftpCall<Buffer>((done) => sftp.open('/in/again.pgp', 'w', done));
    await waitFor(() => control.lookups.waiting === 2, 2000).catch(() => undefined);
    expect(control.lookups.waiting).toBe(2);
    harness.advance(ACCOUNT_LOOKUP_TIMEOUT_MS / 1000);
    expect((await opening).code).toBe(STATUS_CODE.FAILURE);

    // Once the control plane answers again, requests go through on the same session.
    control.release();
    const started = control.lookups.started;
    expect((await client.stat('/in')).isDirectory).toBe(true);
    expect(control.lookups.started).toBe(started + 1);
    await client.put(Buffer.from('retried'), '/in/hung.pgp');
    await client.end();
    expect(harness.uploads).toMatchObject([{ fileName: 'hung.pgp' }]);
    expect(eventsOf(harness, 'sftp.denied')).toEqual([]);
  });
});
