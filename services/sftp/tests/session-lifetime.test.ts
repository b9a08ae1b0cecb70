import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2, { type SFTPWrapper } from 'ssh2';
import type SftpClient from 'ssh2-sftp-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { SftpAccount } from '../src/index.ts';
import { ACCOUNT_RECHECK_MS } from '../src/sftp-session-limits.ts';
import {
  connectSftp,
  eventsOf,
  type Harness,
  inboxOnDisk as inboxOnDiskOf,
  rawSftp,
  recordingLogger,
  sftpCall,
  startHarness,
  tryLogin,
  waitFor,
} from './sftp-test-harness.ts';

const { STATUS_CODE } = ssh2.utils.sftp;
const CHUNK = 32 * 1024;

let harness: Harness;
afterEach(async () => {
  await harness?.close();
});

/** Resolves when the server has closed the client's SSH connection. */
const closedByServer = (client: SftpClient): Promise<void> =>
  new Promise((resolve) => {
    (client as unknown as { client: NodeJS.EventEmitter }).client.once('close', () => resolve());
  });

const inboxOnDisk = (organisationCode = 'M1') => inboxOnDiskOf(harness, organisationCode);

const deniedReasons = () =>
  eventsOf(harness, 'sftp.denied').map((event) => [event.organisationCode, event.details.reason]);

/** A harness whose account lookups throw while `failing` is set (a control plane outage). */
const startHarnessWithFlakyControlPlane = async () => {
  const controlPlane = { failing: false };
  harness = await startHarness({
    lookupAccount: async (username) => {
      if (controlPlane.failing) throw new Error('database unavailable');
      return harness.accounts.get(username) ?? null;
    },
  });
  return controlPlane;
};

/** Logs in as `organisationCode` with its key; `closed` resolves when the server ends the session. */
const connectWatched = async (organisationCode: 'M1' | 'C1') => {
  const client = await connectSftp(harness, organisationCode, harness.keys[organisationCode]);
  return { client, closed: closedByServer(client), sftp: rawSftp(client) };
};

describe('a session re-checks its account', () => {
  it('a client suspended mid-session can no longer list or download, and is disconnected', async () => {
    harness = await startHarness();
    const client = await connectSftp(harness, 'C1', harness.keys.C1);
    const closed = closedByServer(client);
    await writeFile(join(harness.storageRoot, 'C1', 'out', 'delivery-2.csv.gpg'), 'delivery');
    expect((await client.list('/out')).map((entry) => entry.name)).toEqual(['delivery-2.csv.gpg']);

    harness.accounts.delete('C1'); // suspended: lookupAccount answers null
    await expect(client.list('/out')).rejects.toThrow();
    await closed;
    await expect(client.get('/out/delivery-2.csv.gpg')).rejects.toThrow();

    expect(eventsOf(harness, 'file.downloaded')).toEqual([]);
    expect(deniedReasons()).toEqual([['C1', 'account_inactive']]);
  });

  it('a member offboarded mid-session loses it: its next login sees reports/ only', async () => {
    harness = await startHarness();
    const account = harness.accounts.get('M1') as SftpAccount;
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const closed = closedByServer(client);
    expect((await client.list('/')).map((entry) => entry.name)).toEqual(['in', 'reports']);
    harness.accounts.set('M1', { ...account, areas: ['reports'] });
    await expect(client.list('/in')).rejects.toThrow();
    await closed;
    expect(deniedReasons()).toEqual([['M1', 'account_changed']]);
    const again = await connectSftp(harness, 'M1', harness.keys.M1);
    expect((await again.list('/')).map((entry) => entry.name)).toEqual(['reports']);
    await again.end();
  });

  it('a revoked key loses its session at the next open; another key of the organisation keeps working', async () => {
    harness = await startHarness();
    const account = harness.accounts.get('M1') as SftpAccount;
    harness.accounts.set('M1', {
      ...account,
      publicKeys: [harness.keys.M1.publicKey, harness.keys.stranger.publicKey],
    });
    const leaked = await connectSftp(harness, 'M1', harness.keys.M1);
    const closed = closedByServer(leaked);
    const kept = await connectSftp(harness, 'M1', harness.keys.stranger);

    harness.accounts.set('M1', { ...account, publicKeys: [harness.keys.stranger.publicKey] });
    await expect(leaked.put(Buffer.from('after revocation'), '/in/leaked.pgp')).rejects.toThrow();
    await closed;
    await kept.put(Buffer.from('legitimate'), '/in/kept.pgp');
    await kept.end();

    expect(harness.uploads.map((upload) => upload.fileName)).toEqual(['kept.pgp']);
    expect(await inboxOnDisk()).toEqual(['kept.pgp']);
    expect(deniedReasons()).toEqual([['M1', 'key_revoked']]);
  });

  it('an upload opened before the revocation is not published when it closes after', async () => {
    harness = await startHarness();
    const { closed, sftp } = await connectWatched('M1');
    const handle = (await sftpCall<Buffer>((done) => sftp.open('/in/spanning.pgp', 'w', done)))
      .result!;
    const data = randomBytes(4096);
    expect((await sftpCall((done) => sftp.write(handle, data, 0, data.length, 0, done))).code).toBe(
      0,
    );

    harness.accounts.delete('M1');
    expect((await sftpCall((done) => sftp.close(handle, done))).code).not.toBe(0);
    await closed;
    await waitFor(async () => (await inboxOnDisk()).length === 0);
    expect(harness.uploads).toEqual([]);
    expect(deniedReasons()).toEqual([['M1', 'account_inactive']]);
  });

  it('a changed organisation kind ends the session (its areas are no longer the same)', async () => {
    harness = await startHarness();
    const client = await connectSftp(harness, 'B1', harness.keys.B1);
    const closed = closedByServer(client);
    const account = harness.accounts.get('B1') as SftpAccount;
    harness.accounts.set('B1', { ...account, kind: 'client' });
    await expect(client.list('/in')).rejects.toThrow();
    await closed;
    expect(deniedReasons()).toEqual([['B1', 'account_changed']]);
  });

  it('a control plane that fails refuses the request but keeps the session', async () => {
    const controlPlane = await startHarnessWithFlakyControlPlane();
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    controlPlane.failing = true;
    await expect(client.list('/in')).rejects.toThrow();
    await expect(client.put(Buffer.from('x'), '/in/during-outage.pgp')).rejects.toThrow();
    controlPlane.failing = false;
    await client.put(Buffer.from('x'), '/in/after-outage.pgp');
    await client.end();
    expect(harness.uploads.map((upload) => upload.fileName)).toEqual(['after-outage.pgp']);
    expect(await inboxOnDisk()).toEqual(['after-outage.pgp']);
  });

  it('a burst of opens costs one lookup', async () => {
    let lookups = 0;
    harness = await startHarness({
      lookupAccount: async (username) => {
        lookups += 1;
        await new Promise((resolve) => setImmediate(resolve));
        return harness.accounts.get(username) ?? null;
      },
    });
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const atLogin = lookups;
    const sftp = rawSftp(client);
    const listings = await Promise.all(
      Array.from({ length: 8 }, () => sftpCall((done) => sftp.opendir('/in', done))),
    );
    await client.end();
    expect(listings.every(({ code }) => code === 0)).toBe(true);
    // Checked (at least one lookup after login), but not once per request.
    expect(lookups - atLogin).toBeGreaterThanOrEqual(1);
    expect(lookups - atLogin).toBeLessThan(8);
  });
});

/** Opens `path` for reading or writing; the handle must be granted. */
const openHandle = async (sftp: SFTPWrapper, path: string, mode: 'r' | 'w'): Promise<Buffer> => {
  const opened = await sftpCall<Buffer>((done) => sftp.open(path, mode, done));
  expect(opened.code).toBe(0);
  return opened.result!;
};

const readAt = (sftp: SFTPWrapper, handle: Buffer, offset: number) =>
  sftpCall((done) => sftp.read(handle, Buffer.alloc(CHUNK), 0, CHUNK, offset, done));

const writeAt = (sftp: SFTPWrapper, handle: Buffer, offset: number) =>
  sftpCall((done) => sftp.write(handle, randomBytes(CHUNK), 0, CHUNK, offset, done));

/** The server's own lookups, counted, over the harness's accounts. */
const startCountingHarness = async () => {
  const counter = { lookups: 0 };
  harness = await startHarness({
    lookupAccount: async (username) => {
      counter.lookups += 1;
      return harness.accounts.get(username) ?? null;
    },
  });
  return counter;
};

describe('an open handle re-checks its account', () => {
  it('a download opened before a suspension is no longer served, and its session is closed', async () => {
    const counter = await startCountingHarness();
    const { closed, sftp } = await connectWatched('C1');
    await writeFile(
      join(harness.storageRoot, 'C1', 'out', 'delivery-3.csv.gpg'),
      randomBytes(CHUNK * 8),
    );
    const handle = await openHandle(sftp, '/out/delivery-3.csv.gpg', 'r');
    const afterOpen = counter.lookups;
    for (let chunk = 0; chunk < 4; chunk += 1) {
      expect((await readAt(sftp, handle, chunk * CHUNK)).code).toBe(0);
    }
    // Reads within the re-check interval reuse the last verdict: no lookup per chunk.
    expect(counter.lookups).toBe(afterOpen);

    harness.accounts.delete('C1'); // suspended
    harness.advance(ACCOUNT_RECHECK_MS / 1000);
    expect((await readAt(sftp, handle, 4 * CHUNK)).code).toBe(STATUS_CODE.PERMISSION_DENIED);
    await closed;
    expect(deniedReasons()).toEqual([['C1', 'account_inactive']]);
  });

  it('an upload whose key is revoked mid-transfer is refused at its next write and discarded', async () => {
    harness = await startHarness();
    const { closed, sftp } = await connectWatched('M1');
    const handle = await openHandle(sftp, '/in/spanning.pgp', 'w');
    expect((await writeAt(sftp, handle, 0)).code).toBe(0);

    const account = harness.accounts.get('M1') as SftpAccount;
    harness.accounts.set('M1', { ...account, publicKeys: [] });
    harness.advance(ACCOUNT_RECHECK_MS / 1000);
    expect((await writeAt(sftp, handle, CHUNK)).code).toBe(STATUS_CODE.PERMISSION_DENIED);
    await closed;
    await waitFor(async () => (await inboxOnDisk()).length === 0);
    expect(harness.uploads).toEqual([]);
    expect(deniedReasons()).toEqual([['M1', 'key_revoked']]);
  });

  it('a control plane that fails during an upload fails that upload, not the session', async () => {
    const controlPlane = await startHarnessWithFlakyControlPlane();
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const sftp = rawSftp(client);
    const handle = await openHandle(sftp, '/in/during-outage.pgp', 'w');
    expect((await writeAt(sftp, handle, 0)).code).toBe(0);
    controlPlane.failing = true;
    harness.advance(ACCOUNT_RECHECK_MS / 1000);
    expect((await writeAt(sftp, handle, CHUNK)).code).toBe(STATUS_CODE.FAILURE);
    controlPlane.failing = false;
    // A chunk is missing: the upload cannot be completed, but the session goes on.
    expect((await sftpCall((done) => sftp.close(handle, done))).code).toBe(STATUS_CODE.FAILURE);
    await client.put(Buffer.from('x'), '/in/after-outage.pgp');
    await client.end();
    expect(harness.uploads.map((upload) => upload.fileName)).toEqual(['after-outage.pgp']);
    expect(await inboxOnDisk()).toEqual(['after-outage.pgp']);
  });

  it.each(['stat', 'lstat', 'realpath', 'fstat'] as const)(
    '%s tells a suspended client nothing, and closes its session',
    async (operation) => {
      harness = await startHarness();
      const { closed, sftp } = await connectWatched('C1');
      const path = '/out/delivery-2.csv.gpg';
      await writeFile(join(harness.storageRoot, 'C1', 'out', 'delivery-2.csv.gpg'), 'delivery');
      const handle = await openHandle(sftp, path, 'r');

      harness.accounts.delete('C1');
      const probe = {
        stat: () => sftpCall((done) => sftp.stat(path, done)),
        lstat: () => sftpCall((done) => sftp.lstat(path, done)),
        realpath: () => sftpCall((done) => sftp.realpath(path, done)),
        fstat: () => sftpCall((done) => sftp.fstat(handle, done)),
      }[operation];
      expect((await probe()).code).toBe(STATUS_CODE.PERMISSION_DENIED);
      await closed;
      expect(deniedReasons()).toEqual([['C1', 'account_inactive']]);
    },
  );
});

describe('session timeouts', () => {
  it('closes a session that sends no request for the idle timeout', async () => {
    const { entries, logger } = recordingLogger();
    harness = await startHarness({ idleTimeoutMs: 300, logger });
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    await closedByServer(client);
    expect(entries).toContainEqual({
      msg: 'sftp session closed by the server',
      obj: expect.objectContaining({ organisationCode: 'M1', reason: 'idle' }),
    });
    await waitFor(() => eventsOf(harness, 'sftp.session_expired').length === 1);
    const [login] = eventsOf(harness, 'sftp.login');
    const [expired] = eventsOf(harness, 'sftp.session_expired');
    // Ids and counts only, tied to the login by its connection id.
    expect(expired).toEqual({
      action: 'sftp.session_expired',
      organisationCode: 'M1',
      remoteAddress: '127.0.0.1',
      details: {
        connectionId: login?.details.connectionId,
        reason: 'idle',
        limitSeconds: 0.3,
        uploadsDiscarded: 0,
      },
    });
  });

  it('keeps a busy session past the idle timeout, and closes it at the session timeout, discarding its upload', async () => {
    const { entries, logger } = recordingLogger();
    harness = await startHarness({ idleTimeoutMs: 500, maxSessionMs: 1500, logger });
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    let closed = false;
    const closing = closedByServer(client).then(() => {
      closed = true;
    });
    const stream = client.createWriteStream('/in/long.pgp');
    stream.on('error', () => undefined);
    await new Promise((resolve) => stream.once('ready', resolve));
    const started = performance.now();
    // Busy all along: each request is activity, so only the session timeout can end it.
    while (!closed) {
      await new Promise<void>((resolve) => stream.write(Buffer.alloc(1024), () => resolve()));
    }
    await closing;
    // Alive well past the idle timeout, and closed for its age, not for idleness.
    expect(performance.now() - started).toBeGreaterThan(500);
    expect(entries).toContainEqual({
      msg: 'sftp session closed by the server',
      obj: expect.objectContaining({ organisationCode: 'M1', reason: 'max_duration' }),
    });
    await waitFor(() => eventsOf(harness, 'sftp.session_expired').length === 1);
    expect(eventsOf(harness, 'sftp.session_expired')).toMatchObject([
      {
        organisationCode: 'M1',
        details: { reason: 'max_duration', limitSeconds: 1.5, uploadsDiscarded: 1 },
      },
    ]);
    await waitFor(async () => (await inboxOnDisk()).length === 0);
    expect(harness.uploads).toEqual([]);
    // The organisation's session slot is free again.
    expect(
      await tryLogin(harness, { username: 'M1', privateKey: harness.keys.M1.privateKey }),
    ).toBe('ready');
  });
});
