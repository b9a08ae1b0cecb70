import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type SftpClient from 'ssh2-sftp-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { SftpAccount } from '../src/index.ts';
import {
  connectSftp,
  eventsOf,
  type Harness,
  inboxOnDisk as inboxOnDiskOf,
  rawSftp,
  sftpCall,
  startHarness,
  tryLogin,
  waitFor,
} from './sftp-test-harness.ts';

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

/** A logger that keeps the server's own messages, to read why it closed a session. */
const recordingLogger = () => {
  const entries: { msg: string; obj: Record<string, unknown> }[] = [];
  const push = (obj: object, msg?: string) =>
    entries.push({ msg: msg ?? '', obj: obj as Record<string, unknown> });
  return { entries, logger: { info: push, warn: push } };
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
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const closed = closedByServer(client);
    const sftp = rawSftp(client);
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
    let failing = false;
    harness = await startHarness({
      lookupAccount: async (username) => {
        if (failing) throw new Error('database unavailable');
        return harness.accounts.get(username) ?? null;
      },
    });
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    failing = true;
    await expect(client.list('/in')).rejects.toThrow();
    await expect(client.put(Buffer.from('x'), '/in/during-outage.pgp')).rejects.toThrow();
    failing = false;
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

describe('session timeouts', () => {
  it('closes a session that sends no request for the idle timeout', async () => {
    const { entries, logger } = recordingLogger();
    harness = await startHarness({ idleTimeoutMs: 300, logger });
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    await closedByServer(client);
    expect(entries).toContainEqual({
      msg: 'sftp session closed by the server',
      obj: expect.objectContaining({ organisationCode: 'M1', reason: 'idle_timeout' }),
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
      obj: expect.objectContaining({ organisationCode: 'M1', reason: 'session_timeout' }),
    });
    await waitFor(async () => (await inboxOnDisk()).length === 0);
    expect(harness.uploads).toEqual([]);
    // The organisation's session slot is free again.
    expect(
      await tryLogin(harness, { username: 'M1', privateKey: harness.keys.M1.privateKey }),
    ).toBe('ready');
  });
});
