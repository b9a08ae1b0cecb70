import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  cliEnv,
  createTestDataDir,
  operatorOverHttp,
  registerMemberOverHttp,
  runCli,
  startServe,
  stopProcess,
  useRealBackends,
} from '@alliage/cli/testing';
import {
  createGpgHome,
  createSshKeyDir,
  type GpgHome,
  hasGpg,
  hasSshKeygen,
  type SshKeyDir,
} from '@alliage/crypto/testing';
import SftpClient from 'ssh2-sftp-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasOpenSshSftp = spawnSync('sftp', ['-V'], { stdio: 'ignore' }).error === undefined;
const HEADER = 'customer_id,transaction_id,date,amount_eur,category,channel';
const csv = (count: number) =>
  `${HEADER}\n${Array.from({ length: count }, (_, index) => `C${index},T${index},2026-03-01,9.90,jardin,web`).join('\n')}\n`;

type TBackends = 'embedded' | 'postgres+redis';
const backends: TBackends[] =
  process.env.DATABASE_URL && process.env.REDIS_URL ? ['embedded', 'postgres+redis'] : ['embedded'];

describe.skipIf(!hasGpg || !hasSshKeygen).each(backends)(
  'intake over SFTP end to end (%s)',
  (backend) => {
    let dataDir: string;
    let env: Record<string, string>;
    let gpg: GpgHome;
    let keys: SshKeyDir;
    let sshKey: { privateKeyPath: string };
    let memberToken: string;
    let serve: Awaited<ReturnType<typeof startServe>>;
    let dropDatabase: (() => Promise<void>) | null = null;

    beforeAll(async () => {
      // Embedded: a copy of the run's test platform; PostgreSQL: an empty directory (the
      // copy's secrets are PGlite's control plane's).
      dataDir =
        backend === 'embedded'
          ? await createTestDataDir('alliage-e2e-')
          : mkdtempSync(path.join(os.tmpdir(), 'alliage-e2e-'));
      env = cliEnv({ ALLIAGE_DATA_DIR: dataDir, ALLIAGE_HTTP_PORT: '0' });
      if (backend === 'postgres+redis') {
        dropDatabase = await useRealBackends(env, 'e2e');
      }
      gpg = createGpgHome();
      keys = createSshKeyDir();
      sshKey = keys.generateKey({ type: 'ed25519' });
      const memberFingerprint = gpg.generateKey({
        algorithm: 'ed25519',
        usage: 'sign',
        encryptionSubkey: 'cv25519',
      });
      // serve first (on PostgreSQL it creates the platform), then the registration through its HTTP API.
      serve = await startServe(env);
      const { admin } = await operatorOverHttp(serve, env, 'intake e2e');
      await registerMemberOverHttp(admin, {
        code: 'M01',
        sector: 'automobile',
        sshPublicKeyFile: `${sshKey.privateKeyPath}.pub`,
        pgpPublicKey: gpg.exportPublicKey(memberFingerprint),
      });
      memberToken = (
        await admin.createToken({
          organisationCode: 'M01',
          role: 'member_user',
          name: null,
          expiresInDays: null,
        })
      ).token;
      const platformKey = await admin.platformPgpKey();
      gpg.run(['--import'], platformKey.armoredPublicKey);
      const encryptTo = (clear: string) =>
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
      writeFileSync(path.join(dataDir, 'tx1.pgp'), encryptTo(csv(40)));
      writeFileSync(path.join(dataDir, 'tx2.pgp'), encryptTo(csv(7)));
    });

    afterAll(async () => {
      if (serve) await stopProcess(serve.child);
      gpg?.close();
      keys?.close();
      rmSync(dataDir, { recursive: true, force: true });
      await dropDatabase?.();
    });

    async function connect(): Promise<SftpClient> {
      const client = new SftpClient();
      await client.connect({
        host: '127.0.0.1',
        port: serve.sftpPort,
        username: 'M01',
        privateKey: readFileSync(sshKey.privateKeyPath),
      });
      return client;
    }

    async function waitForDrop(fileName: string) {
      for (let attempt = 0; attempt < 480; attempt += 1) {
        const response = await fetch(`${serve.url}/v1/files`, {
          headers: { authorization: `Bearer ${memberToken}` },
        });
        const drops = (await response.json()) as {
          fileName: string;
          status: string;
          rowCount: number | null;
          id: string;
        }[];
        const drop = drops.find((candidate) => candidate.fileName === fileName);
        if (drop && drop.status !== 'received' && drop.status !== 'processing') return drop;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(
        `drop ${fileName} was not processed in time:\n${serve.output().slice(-2000)}`,
      );
    }

    it('accepts a GnuPG file uploaded with ssh2-sftp-client and reports it in reports/', async () => {
      const client = await connect();
      try {
        await client.put(path.join(dataDir, 'tx1.pgp'), '/in/M01_transactions_1.csv.pgp');
        const drop = await waitForDrop('M01_transactions_1.csv.pgp');
        expect(drop).toMatchObject({ status: 'accepted', rowCount: 40 });
        const report = JSON.parse(
          String(await client.get('/reports/M01_transactions_1.csv.pgp.report.json')),
        );
        expect(report).toMatchObject({
          status: 'accepted',
          rows: { total: 40, accepted: 40, rejected: 0 },
        });
        expect(
          String(await client.get('/reports/M01_transactions_1.csv.pgp.report.txt')),
        ).toContain('ACCEPTED');
        // Processed files leave in/: it lists only what is still pending.
        expect((await client.list('/in')).map((entry) => entry.name)).not.toContain(
          'M01_transactions_1.csv.pgp',
        );
      } finally {
        await client.end();
      }
    });

    it('marks the same bytes uploaded again as a duplicate, processed once', async () => {
      const client = await connect();
      try {
        await client.put(path.join(dataDir, 'tx1.pgp'), '/in/M01_transactions_again.csv.pgp');
      } finally {
        await client.end();
      }
      const drop = await waitForDrop('M01_transactions_again.csv.pgp');
      expect(drop.status).toBe('duplicate');
    });

    it.skipIf(!hasOpenSshSftp)('accepts a file uploaded with OpenSSH sftp -b', async () => {
      const batch = path.join(dataDir, 'batch.txt');
      writeFileSync(batch, `put ${path.join(dataDir, 'tx2.pgp')} /in/M01_transactions_2.csv.pgp\n`);
      // Asynchronous: a blocked event loop would stop draining the serve child's output.
      const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(
          'sftp',
          [
            '-b',
            batch,
            '-i',
            sshKey.privateKeyPath,
            '-P',
            String(serve.sftpPort),
            '-o',
            'StrictHostKeyChecking=no',
            '-o',
            'UserKnownHostsFile=/dev/null',
            '-o',
            'BatchMode=yes',
            '-o',
            'IdentitiesOnly=yes',
            '-F',
            '/dev/null',
            'M01@127.0.0.1',
          ],
          { encoding: 'utf8', timeout: 60_000 },
          (error, _stdout, stderr) =>
            resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
        );
      });
      expect(result.code, result.stderr).toBe(0);
      const drop = await waitForDrop('M01_transactions_2.csv.pgp');
      expect(drop).toMatchObject({ status: 'accepted', rowCount: 7 });
    });

    it('keeps the audit chain intact through it all', async () => {
      const verify = await runCli(['audit', 'verify', '--json'], env);
      expect(verify.code, verify.stderr).toBe(0);
      const tail = await runCli(['audit', 'tail', '-n', '200', '--json'], env);
      const actions = (JSON.parse(tail.stdout) as { action: string }[]).map(
        (event) => event.action,
      );
      expect(actions).toEqual(
        expect.arrayContaining(['sftp.login', 'file.received', 'file.accepted', 'file.duplicate']),
      );
    });

    // Last: after it M01 can no longer log in.
    it('ends a session whose SSH key is revoked meanwhile, at its next listing', async () => {
      const created = await runCli(
        ['token', 'create', '--role', 'operator', '--name', 'intake e2e', '--json'],
        env,
      );
      expect(created.code, created.stderr).toBe(0);
      const headers = { authorization: `Bearer ${JSON.parse(created.stdout).token}` };
      const client = await connect();
      try {
        await client.list('/in');
        const keys = (await (
          await fetch(`${serve.url}/v1/organisations/M01/keys?type=ssh`, { headers })
        ).json()) as { id: string }[];
        expect(keys).toHaveLength(1);
        const revoked = await fetch(
          `${serve.url}/v1/organisations/M01/keys/${keys[0]!.id}/revoke`,
          { method: 'POST', headers },
        );
        expect(revoked.status).toBe(200);
        await expect(client.list('/in')).rejects.toThrow();
      } finally {
        await client.end().catch(() => undefined);
      }
      await expect(connect()).rejects.toThrow();
      const tail = await runCli(['audit', 'tail', '-n', '20', '--json'], env);
      const denied = (JSON.parse(tail.stdout) as { action: string; details: unknown }[]).filter(
        (event) => event.action === 'sftp.denied',
      );
      expect(denied).toContainEqual(
        expect.objectContaining({ details: expect.objectContaining({ reason: 'key_revoked' }) }),
      );
    });
  },
);
