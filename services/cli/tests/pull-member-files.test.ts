import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type ControlContext,
  cliActor,
  createOrganisation,
  getPullSource,
  listAlerts,
  listFileDrops,
  listLatestAuditEvents,
  setPullSource,
  type TPullSource,
} from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { generateSshHostKey, inspectSshPublicKey, sshPublicKeyFromPrivate } from '@alliage/crypto';
import { type PullDeps, pullDueSources, pullMemberFiles } from '@alliage/intake';
import { createSftpServer, type SftpAccount, type SftpServer } from '@alliage/sftp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The member's own MFT server is played by the platform's SFTP server: an account
// of kind `client` sees `/out` read-only, exactly what a remote source offers.
const REMOTE_ACCOUNT = 'MFT_M01';
const actor = cliActor('test');

function fingerprintOf(privateKey: string): string {
  return inspectSshPublicKey(sshPublicKeyFromPrivate(privateKey)).fingerprint;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.each(testControlDbKinds())('pulling member files over SFTP (%s)', (kind) => {
  let directory: string;
  let remoteOut: string;
  let control: TestControlDb;
  let ctx: ControlContext;
  let server: SftpServer;
  let port: number;
  let hostKey: string;
  let deps: PullDeps;
  const account: SftpAccount = { organisationCode: REMOTE_ACCOUNT, kind: 'client', publicKeys: [] };
  const queued: string[] = [];
  const contents = {
    customers: randomBytes(3000),
    transactions: randomBytes(1200),
  };

  const inbox = () => path.join(directory, 'platform-sftp', 'M01', 'in');
  const inboxNames = () => readdirSync(inbox()).sort();
  const sourceFor = (patch: Partial<Parameters<typeof setPullSource>[3]> = {}) => ({
    host: '127.0.0.1',
    port,
    username: REMOTE_ACCOUNT,
    remoteDir: '/out',
    hostKeySha256: fingerprintOf(hostKey),
    ...patch,
  });

  beforeAll(async () => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'alliage-pull-'));
    const remoteRoot = path.join(directory, 'member-mft');
    remoteOut = path.join(remoteRoot, REMOTE_ACCOUNT, 'out');
    mkdirSync(path.join(remoteOut, 'archive'), { recursive: true });
    writeFileSync(path.join(remoteOut, 'M01_customers_20261123.csv.pgp'), contents.customers);
    writeFileSync(path.join(remoteOut, 'M01_transactions_20261123.pgp'), contents.transactions);
    writeFileSync(path.join(remoteOut, 'readme.txt'), 'not a member file');
    writeFileSync(path.join(remoteOut, '.M01_customers_partial.csv.pgp'), 'hidden on the server');

    // TEST-ONLY keys, generated for this run.
    hostKey = generateSshHostKey();
    const clientKey = generateSshHostKey();
    account.publicKeys = [sshPublicKeyFromPrivate(clientKey)];
    server = createSftpServer({
      hostKeys: [hostKey],
      storageRoot: remoteRoot,
      lookupAccount: async (username) => (username === REMOTE_ACCOUNT ? account : null),
      onUploadComplete: async () => {
        throw new Error('the remote source takes no uploads in this test');
      },
      onEvent: () => undefined,
      ban: { failuresBeforeBan: 1000, baseSeconds: 1, maxSeconds: 1 },
    });
    port = (await server.listen(0, '127.0.0.1')).port;

    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => new Date() };
    for (const code of ['M01', 'M02']) {
      await createOrganisation(ctx, actor, {
        code,
        name: `Member ${code}`,
        kind: 'member',
        sector: 'automobile',
      });
    }
    deps = {
      ctx,
      sftpRoot: path.join(directory, 'platform-sftp'),
      clientPrivateKey: clientKey,
      maxFileBytes: 1024 * 1024,
      enqueue: async (drop) => {
        queued.push(drop.id);
      },
      connectTimeoutMs: 5000,
    };
  });

  afterAll(async () => {
    await server?.close();
    await control?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('refuses a member without a pull source', async () => {
    await expect(pullMemberFiles(deps, 'M02')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('fetches the member files once, ignores the rest, and leaves the server untouched', async () => {
    await setPullSource(ctx, actor, 'M01', sourceFor());
    const result = await pullMemberFiles(deps, 'M01', actor);
    expect(result).toMatchObject({ fetched: 2, skipped: 0, ignored: 2 }); // readme.txt, archive/
    expect(inboxNames()).toEqual([
      'M01_customers_20261123.csv.pgp',
      'M01_transactions_20261123.pgp',
    ]);
    expect(readFileSync(path.join(inbox(), 'M01_customers_20261123.csv.pgp'))).toEqual(
      contents.customers,
    );

    const drops = await listFileDrops(ctx, { organisationCode: 'M01' });
    expect(drops.map((drop) => drop.id).sort()).toEqual([...result.fileDropIds].sort());
    expect(queued.sort()).toEqual([...result.fileDropIds].sort());
    const customers = drops.find((drop) => drop.fileName === 'M01_customers_20261123.csv.pgp');
    expect(customers).toMatchObject({
      source: 'pull',
      status: 'received',
      sizeBytes: contents.customers.length,
      sha256: sha256(contents.customers),
      storagePath: path.join(inbox(), 'M01_customers_20261123.csv.pgp'),
    });

    const events = await listLatestAuditEvents(ctx, 4);
    expect(events.map((event) => event.action).sort()).toEqual([
      'file.pulled',
      'file.pulled',
      'file.received',
      'file.received',
    ]);
    const pulled = events.find((event) => event.action === 'file.pulled');
    expect(pulled).toMatchObject({ actor: 'cli:test', objectType: 'file_drop' });
    expect(Object.keys(pulled?.details ?? {})).toEqual(['sizeBytes']);

    expect(readdirSync(remoteOut).sort()).toEqual([
      '.M01_customers_partial.csv.pgp',
      'M01_customers_20261123.csv.pgp',
      'M01_transactions_20261123.pgp',
      'archive',
      'readme.txt',
    ]);
  });

  it('fetches nothing the second time', async () => {
    const before = (await listFileDrops(ctx, { organisationCode: 'M01' })).length;
    const result = await pullMemberFiles(deps, 'M01', actor);
    expect(result).toEqual({ fetched: 0, skipped: 2, ignored: 2, fileDropIds: [] });
    expect((await listFileDrops(ctx, { organisationCode: 'M01' })).length).toBe(before);
    expect(inboxNames()).toHaveLength(2);
  });

  it('fetches a replaced file again, next to the pending one rather than over it', async () => {
    const replaced = randomBytes(2000);
    const remotePath = path.join(remoteOut, 'M01_customers_20261123.csv.pgp');
    writeFileSync(remotePath, replaced);
    const later = new Date(Date.now() + 120_000);
    utimesSync(remotePath, later, later);
    const result = await pullMemberFiles(deps, 'M01', actor);
    expect(result).toMatchObject({ fetched: 1, skipped: 1, ignored: 2 });
    expect(inboxNames()).toContain('M01_customers_20261123-2.csv.pgp');
    expect(readFileSync(path.join(inbox(), 'M01_customers_20261123-2.csv.pgp'))).toEqual(replaced);
    expect(readFileSync(path.join(inbox(), 'M01_customers_20261123.csv.pgp'))).toEqual(
      contents.customers,
    );
  });

  it('skips files above the size cap', async () => {
    writeFileSync(path.join(remoteOut, 'M01_customers_big.csv.pgp'), randomBytes(4096));
    const result = await pullMemberFiles({ ...deps, maxFileBytes: 3500 }, 'M01', actor);
    expect(result).toMatchObject({ fetched: 0, ignored: 3 });
    expect(inboxNames()).not.toContain('M01_customers_big.csv.pgp');
    rmSync(path.join(remoteOut, 'M01_customers_big.csv.pgp'));
  });

  it('refuses a server whose host key is not the pinned one, fetching nothing', async () => {
    writeFileSync(path.join(remoteOut, 'M01_transactions_20261124.pgp'), randomBytes(500));
    const pinned = fingerprintOf(generateSshHostKey());
    await setPullSource(ctx, actor, 'M01', sourceFor({ hostKeySha256: pinned }));
    const before = inboxNames();
    const error = await pullMemberFiles(deps, 'M01', actor).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'conflict' });
    expect(String((error as Error).message)).toContain(`not the pinned ${pinned}`);
    expect(inboxNames()).toEqual(before);
    const [alert] = await listLatestAuditEvents(ctx, 1);
    expect(alert).toMatchObject({
      action: 'alert.raised',
      organisationCode: 'M01',
      details: {
        kind: 'sftp_host_key_mismatch',
        reason: 'pull_host_key_mismatch',
        pinnedHostKey: pinned,
        presentedHostKey: fingerprintOf(hostKey),
      },
    });
    expect((await listAlerts(ctx))[0]).toMatchObject({
      kind: 'sftp_host_key_mismatch',
      severity: 'critical',
    });
  });

  it('reports a refused login as unavailable, and audits it', async () => {
    await setPullSource(ctx, actor, 'M01', sourceFor());
    await expect(
      pullMemberFiles({ ...deps, clientPrivateKey: generateSshHostKey() }, 'M01', actor),
    ).rejects.toMatchObject({ code: 'unavailable', retry: true });
    const [alert] = await listLatestAuditEvents(ctx, 1);
    expect(alert).toMatchObject({
      action: 'alert.raised',
      details: { kind: 'pull_failed', severity: 'warning', reason: 'pull_failed' },
    });
    const alertsBefore = (await listAlerts(ctx)).length;
    // Nobody listening at all.
    const closed = createSftpServer({
      hostKeys: [hostKey],
      storageRoot: path.join(directory, 'closed'),
      lookupAccount: async () => null,
      onUploadComplete: async () => undefined,
      onEvent: () => undefined,
    });
    const closedPort = (await closed.listen(0, '127.0.0.1')).port;
    await closed.close();
    await setPullSource(ctx, actor, 'M01', sourceFor({ port: closedPort }));
    await expect(pullMemberFiles(deps, 'M01', actor)).rejects.toMatchObject({
      code: 'unavailable',
    });
    // A member whose server keeps failing makes one open alert a day, not one a run.
    expect(await listAlerts(ctx)).toHaveLength(alertsBefore);
    await setPullSource(ctx, actor, 'M01', sourceFor());
  });

  it('pulls due scheduled sources once per interval', async () => {
    await setPullSource(ctx, actor, 'M01', sourceFor({ intervalMinutes: 30 }));
    const now = new Date();
    expect(await pullDueSources(deps, now)).toEqual({ pulled: 1, failed: 0 });
    expect(inboxNames()).toContain('M01_transactions_20261124.pgp');
    const source = (await getPullSource(ctx, 'M01')) as TPullSource;
    expect(source.lastRunAt).toEqual(now);
    expect(await pullDueSources(deps, new Date(now.getTime() + 60_000))).toEqual({
      pulled: 0,
      failed: 0,
    });
    expect(existsSync(path.join(remoteOut, 'M01_transactions_20261124.pgp'))).toBe(true);
  });

  it('fetches a backlog oldest first, whatever the names say (DDMMYYYY names)', async () => {
    // Two full bases waiting: by name 01122026 sorts before 15112026, by date it is newer.
    const older = path.join(remoteOut, 'M01_customers_15112026.csv.pgp');
    const newer = path.join(remoteOut, 'M01_customers_01122026.csv.pgp');
    writeFileSync(older, randomBytes(1500));
    writeFileSync(newer, randomBytes(1600));
    utimesSync(older, new Date('2026-11-15T22:00:00Z'), new Date('2026-11-15T22:00:00Z'));
    utimesSync(newer, new Date('2026-12-01T22:00:00Z'), new Date('2026-12-01T22:00:00Z'));
    queued.length = 0;
    const result = await pullMemberFiles(deps, 'M01', actor);
    expect(result.fetched).toBe(2);
    const drops = await listFileDrops(ctx, { organisationCode: 'M01' });
    const nameOf = (id: string) => drops.find((drop) => drop.id === id)?.fileName;
    // Queued (and so loaded) in that order: the newer base is the one the pool ends with.
    expect(queued.map(nameOf)).toEqual([
      'M01_customers_15112026.csv.pgp',
      'M01_customers_01122026.csv.pgp',
    ]);
  });
});
