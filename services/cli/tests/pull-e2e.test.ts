import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliEnv, createTestDataDir, runCli, startServe, stopProcess } from '@alliage/cli/testing';
import { generateSshHostKey, sshPublicKeyFromPrivate } from '@alliage/crypto';
import { createGpgHome, type GpgHome, hasGpg, hasSshKeygen } from '@alliage/crypto/testing';
import { createSftpServer, type SftpAccount, type SftpServer } from '@alliage/sftp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HEADER = 'customer_id,transaction_id,date,amount_eur,category,channel';
const csv = (count: number) =>
  `${HEADER}\n${Array.from({ length: count }, (_, index) => `C${index},T${index},2026-03-01,9.90,jardin,web`).join('\n')}\n`;

// The member's own MFT server, played by the project's SFTP server: a `client`
// account sees `/out` read-only.
const MFT_ACCOUNT = 'MFT_M01';

interface TFileView {
  id: string;
  fileName: string;
  source: string;
  status: string;
  rowCount: number | null;
}

describe.skipIf(!hasGpg || !hasSshKeygen)('pull mode end to end (embedded)', () => {
  let dataDir: string;
  let remoteOut: string;
  let env: Record<string, string>;
  let gpg: GpgHome;
  let mft: SftpServer;
  let mftPort: number;
  let hostKeyFingerprint: string;
  let memberToken: string;
  let encryptTo: (clear: string) => Buffer;
  let serve: Awaited<ReturnType<typeof startServe>> | null = null;
  const account: SftpAccount = { organisationCode: MFT_ACCOUNT, kind: 'client', publicKeys: [] };

  const run = async (args: string[]) => {
    const result = await runCli(args, env);
    if (result.code !== 0) throw new Error(`alliage ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };

  beforeAll(async () => {
    dataDir = await createTestDataDir('alliage-pull-e2e-');
    env = cliEnv({ ALLIAGE_DATA_DIR: dataDir, ALLIAGE_HTTP_PORT: '0' });

    // The member's server: a TEST-ONLY host key, fingerprinted the way an operator
    // would, with `ssh-keygen -lf` on its public half.
    const mftRoot = path.join(dataDir, 'member-mft');
    remoteOut = path.join(mftRoot, MFT_ACCOUNT, 'out');
    mkdirSync(remoteOut, { recursive: true });
    const hostKey = generateSshHostKey();
    const hostKeyFile = path.join(dataDir, 'mft_host_key.pub');
    writeFileSync(hostKeyFile, `${sshPublicKeyFromPrivate(hostKey)} test-only\n`);
    const keygen = spawnSync('ssh-keygen', ['-lf', hostKeyFile], { encoding: 'utf8' });
    hostKeyFingerprint = /(SHA256:\S+)/.exec(keygen.stdout)?.[1] ?? '';
    mft = createSftpServer({
      hostKeys: [hostKey],
      storageRoot: mftRoot,
      lookupAccount: async (username) => (username === MFT_ACCOUNT ? account : null),
      onUploadComplete: async () => {
        throw new Error('no uploads to the member server in this test');
      },
      onEvent: () => undefined,
    });
    mftPort = (await mft.listen(0, '127.0.0.1')).port;

    gpg = createGpgHome();
    const memberFingerprint = gpg.generateKey({
      algorithm: 'ed25519',
      usage: 'sign',
      encryptionSubkey: 'cv25519',
    });
    const pgpFile = path.join(dataDir, 'member-pgp.asc');
    writeFileSync(pgpFile, gpg.exportPublicKey(memberFingerprint));

    await run([
      'org',
      'add',
      '--code',
      'M01',
      '--name',
      'Member One',
      '--kind',
      'member',
      '--sector',
      'automobile',
    ]);
    await run(['key', 'add', '--org', 'M01', '--type', 'pgp', '--file', pgpFile]);
    memberToken = JSON.parse(
      await run(['token', 'create', '--org', 'M01', '--role', 'member_user', '--json']),
    ).token;
    const platformKey = JSON.parse(await run(['platform', 'pgp-key', '--json']));
    gpg.run(['--import'], platformKey.armoredPublicKey);
    encryptTo = (clear: string) =>
      gpg.run(
        [
          '--trust-model',
          'always',
          '--encrypt',
          '--sign',
          '-r',
          platformKey.fingerprint,
          '-u',
          memberFingerprint,
          '--output',
          '-',
        ],
        clear,
      );

    // The member authorises the platform's SSH client key on its server.
    const sshKey = JSON.parse(await run(['platform', 'ssh-key', '--json']));
    expect(sshKey.publicKey).toMatch(/^ssh-ed25519 /);
    account.publicKeys = [sshKey.publicKey];
  });

  afterAll(async () => {
    if (serve) await stopProcess(serve.child);
    await mft?.close();
    gpg?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const files = async (): Promise<TFileView[]> => {
    if (!serve) throw new Error('serve is not running');
    const response = await fetch(`${serve.url}/v1/files`, {
      headers: { authorization: `Bearer ${memberToken}` },
    });
    return (await response.json()) as TFileView[];
  };

  async function waitForDrop(fileName: string): Promise<TFileView> {
    for (let attempt = 0; attempt < 240; attempt += 1) {
      const drop = (await files()).find((candidate) => candidate.fileName === fileName);
      if (drop && drop.status !== 'received' && drop.status !== 'processing') return drop;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`drop ${fileName} was not processed in time:\n${serve?.output().slice(-2000)}`);
  }

  it('sets the pull source and pulls in direct mode, processing the file in the CLI', async () => {
    await run([
      'intake',
      'source',
      'set',
      '--member',
      'M01',
      '--host',
      '127.0.0.1',
      '--port',
      String(mftPort),
      '--user',
      MFT_ACCOUNT,
      '--dir',
      '/out',
      '--host-key-fingerprint',
      hostKeyFingerprint,
    ]);
    writeFileSync(path.join(remoteOut, 'M01_transactions_1.csv.pgp'), encryptTo(csv(12)));
    writeFileSync(path.join(remoteOut, 'notes.txt'), 'not a member file');
    const outcome = JSON.parse(await run(['intake', 'pull', '--member', 'M01', '--json']));
    expect(outcome).toMatchObject({ fetched: 1, skipped: 0, ignored: 1, intake: 'processed' });
    // Processed before the command returned: its report is already in reports/.
    expect(readdirSync(path.join(dataDir, 'sftp', 'M01', 'reports'))).toContain(
      'M01_transactions_1.csv.pgp.report.json',
    );
  });

  it('pulls through the running platform, whose worker accepts the file', async () => {
    serve = await startServe(env);
    expect(await waitForDrop('M01_transactions_1.csv.pgp')).toMatchObject({
      source: 'pull',
      status: 'accepted',
      rowCount: 12,
    });

    writeFileSync(path.join(remoteOut, 'M01_transactions_2.csv.pgp'), encryptTo(csv(30)));
    const pulled = await runCli(['intake', 'pull', '--member', 'M01'], env);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toContain('M01: fetched 1, already fetched 1, ignored 1');
    expect(pulled.stdout).toContain('queued for intake');
    expect(await waitForDrop('M01_transactions_2.csv.pgp')).toMatchObject({
      source: 'pull',
      status: 'accepted',
      rowCount: 30,
    });
    // The member's server keeps its files; the platform's inbox is emptied by intake.
    expect(readdirSync(remoteOut).sort()).toEqual([
      'M01_transactions_1.csv.pgp',
      'M01_transactions_2.csv.pgp',
      'notes.txt',
    ]);
  });

  it('fetches nothing new the second time', async () => {
    const outcome = JSON.parse(await run(['intake', 'pull', '--member', 'M01', '--json']));
    expect(outcome).toMatchObject({ fetched: 0, skipped: 2, ignored: 1 });
  });

  it('refuses a server whose host key is not the pinned one', async () => {
    const other = path.join(dataDir, 'other.pub');
    writeFileSync(other, `${sshPublicKeyFromPrivate(generateSshHostKey())}\n`);
    const wrong =
      /(SHA256:\S+)/.exec(
        spawnSync('ssh-keygen', ['-lf', other], { encoding: 'utf8' }).stdout,
      )?.[1] ?? '';
    await run([
      'intake',
      'source',
      'set',
      '--member',
      'M01',
      '--host',
      '127.0.0.1',
      '--port',
      String(mftPort),
      '--user',
      MFT_ACCOUNT,
      '--dir',
      '/out',
      '--host-key-fingerprint',
      wrong,
    ]);
    writeFileSync(path.join(remoteOut, 'M01_transactions_3.csv.pgp'), encryptTo(csv(3)));
    const refused = await runCli(['intake', 'pull', '--member', 'M01'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not the pinned');
    expect((await files()).map((drop) => drop.fileName)).not.toContain(
      'M01_transactions_3.csv.pgp',
    );
  });

  it('keeps the audit chain intact and records the pulls', async () => {
    const verify = await runCli(['audit', 'verify', '--json'], env);
    expect(verify.code, verify.stderr).toBe(0);
    const tail = await runCli(['audit', 'tail', '-n', '200', '--json'], env);
    const actions = (JSON.parse(tail.stdout) as { action: string }[]).map((event) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'pull_source.changed',
        'file.pulled',
        'file.received',
        'file.accepted',
        'alert.raised',
      ]),
    );
  });
});
