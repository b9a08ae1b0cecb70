import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@alliage/config';
import {
  cliActor,
  createOrganisation,
  listFileDrops,
  listLatestAuditEvents,
  setPullSource,
  type TFileDrop,
} from '@alliage/control';
import { generateSshHostKey, inspectSshPublicKey, sshPublicKeyFromPrivate } from '@alliage/crypto';
import { createSftpServer, type SftpAccount, type SftpServer } from '@alliage/sftp';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenedPlatform, openPlatform } from '../src/open-platform.ts';
import { type Runtime, startRuntime } from '../src/start-runtime.ts';

const MFT_ACCOUNT = 'MFT_M01';

/** Polls until `read` returns something, or fails after `timeoutMs`. */
async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the worker pulls scheduled sources (embedded)', () => {
  let dataDir: string;
  let remoteOut: string;
  let mft: SftpServer;
  let platform: OpenedPlatform;
  let runtime: Runtime;
  const account: SftpAccount = { organisationCode: MFT_ACCOUNT, kind: 'client', publicKeys: [] };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'alliage-pull-schedule-'));
    const mftRoot = path.join(dataDir, 'member-mft');
    remoteOut = path.join(mftRoot, MFT_ACCOUNT, 'out');
    mkdirSync(remoteOut, { recursive: true });
    const hostKey = generateSshHostKey(); // TEST-ONLY
    mft = createSftpServer({
      hostKeys: [hostKey],
      storageRoot: mftRoot,
      lookupAccount: async (username) => (username === MFT_ACCOUNT ? account : null),
      onUploadComplete: async () => undefined,
      onEvent: () => undefined,
    });
    const mftPort = (await mft.listen(0, '127.0.0.1')).port;

    const config = loadConfig({ ALLIAGE_DATA_DIR: path.join(dataDir, 'platform') });
    platform = await openPlatform(config, { kind: 'serve' });
    account.publicKeys = [sshPublicKeyFromPrivate(platform.secrets.sshClientKey)];
    const actor = cliActor('test');
    await createOrganisation(platform.ctx, actor, {
      code: 'M01',
      name: 'Member One',
      kind: 'member',
      sector: 'automobile',
    });
    await setPullSource(platform.ctx, actor, 'M01', {
      host: '127.0.0.1',
      port: mftPort,
      username: MFT_ACCOUNT,
      remoteDir: '/out',
      hostKeySha256: inspectSshPublicKey(sshPublicKeyFromPrivate(hostKey)).fingerprint,
      intervalMinutes: 60,
    });
    // Not a PGP message: intake rejects it, which is all this test needs to see.
    writeFileSync(path.join(remoteOut, 'M01_customers_1.csv.pgp'), 'not encrypted');
    runtime = await startRuntime({
      config,
      platform,
      logger: pino({ level: 'silent' }),
      worker: true,
      sftp: false,
      pullScheduleTickMs: 100,
    });
  });

  afterAll(async () => {
    await runtime?.stop();
    await platform?.close();
    await mft?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fetches a due source on a tick and hands the file to intake', async () => {
    const drop = await eventually<TFileDrop>(async () => {
      const [latest] = await listFileDrops(platform.ctx, { organisationCode: 'M01' });
      return latest && latest.status !== 'received' && latest.status !== 'processing'
        ? latest
        : undefined;
    });
    expect(drop).toMatchObject({ source: 'pull', status: 'rejected' });
    const actions = (await listLatestAuditEvents(platform.ctx, 20)).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['file.pulled', 'file.rejected']));
  });

  it('does not pull again before the interval has passed', async () => {
    writeFileSync(path.join(remoteOut, 'M01_customers_2.csv.pgp'), 'not encrypted either');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const drops = await listFileDrops(platform.ctx, { organisationCode: 'M01' });
    expect(drops.map((drop) => drop.fileName)).toEqual(['M01_customers_1.csv.pgp']);
  });
});
