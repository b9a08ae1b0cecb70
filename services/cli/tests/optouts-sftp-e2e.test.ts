// A member's own opt-out list over SFTP, end to end: written in the member's dialect,
// encrypted and signed with GnuPG, uploaded with ssh2-sftp-client to a real `alliage
// serve`, processed by its intake worker into the repoussoir (never the pool).
import { rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  cliEnv,
  connectSftp,
  createTestDataDir,
  gpgEncryptAndSign,
  operatorOverHttp,
  readSftpReport,
  registerMemberOverHttp,
  runCli,
  startServe,
  stopProcess,
  type TServe,
  uploadToInbox,
  useRealBackends,
  waitForDrops,
} from '@alliage/cli/testing';
import {
  createGpgHome,
  createSshKeyDir,
  type GpgHome,
  hasGpg,
  hasSshKeygen,
  type SshKeyDir,
} from '@alliage/crypto/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type TBackends = 'embedded' | 'postgres+redis';
const backends: TBackends[] =
  process.env.DATABASE_URL && process.env.REDIS_URL ? ['embedded', 'postgres+redis'] : ['embedded'];

// Synthetic contact points: none may show in a report, a log or the control DB in clear.
const OPTOUT_LIST = [
  'type;value;scope',
  ...Array.from({ length: 25 }, (_, index) => `email;canary.optout${index}@example.test;`),
  'phone;06 98 76 54 32;sms',
  'email;canary.broken@;', // line 28: not an email address
  'postal;"CANARYNAME|Jean|75016|12, avenue Victor Hugo";postal',
  '',
].join('\r\n');

interface TEntryView {
  kind: string;
  scope: string;
  source: string;
  sourceReference: string | null;
}

describe.skipIf(!hasGpg || !hasSshKeygen).each(backends)(
  'member opt-out lists over SFTP (%s)',
  (backend) => {
    let dataDir: string;
    let env: Record<string, string>;
    let gpg: GpgHome;
    let keys: SshKeyDir;
    let privateKeyPath: string;
    let memberFingerprint: string;
    let platformFingerprint: string;
    let operatorToken: string;
    let serve: TServe;
    let dropDatabase: (() => Promise<void>) | null = null;

    /** Encrypts and signs the clear text with gpg, uploads it over SFTP and waits for its drop. */
    const dropList = async (clear: string, remoteName: string) => {
      const clearFile = path.join(dataDir, `${remoteName}.csv`);
      writeFileSync(clearFile, clear);
      const localFile = `${clearFile}.pgp`;
      await gpgEncryptAndSign({
        gpg,
        recipient: platformFingerprint,
        signer: memberFingerprint,
        clearFile,
        outFile: localFile,
      });
      rmSync(clearFile);
      await uploadToInbox({
        serve,
        memberCode: 'M01',
        privateKeyPath,
        files: [{ localFile, remoteName }],
      });
      const drops = await waitForDrops({ serve, token: operatorToken, fileNames: [remoteName] });
      return { drop: drops.get(remoteName), localFile };
    };
    const listMemberOptouts = async (): Promise<TEntryView[]> => {
      const response = await fetch(
        `${serve.url}/v1/repoussoir/entries?source=member_optout&sourceReference=M01&limit=1000`,
        { headers: { authorization: `Bearer ${operatorToken}` } },
      );
      expect(response.status).toBe(200);
      return (await response.json()) as TEntryView[];
    };

    beforeAll(async () => {
      // Embedded: a copy of the run's test platform; PostgreSQL: an empty directory (the
      // copy's secrets are PGlite's control plane's).
      dataDir =
        backend === 'embedded'
          ? await createTestDataDir('alliage-optouts-e2e-')
          : await mkdtemp(path.join(os.tmpdir(), 'alliage-optouts-e2e-'));
      env = cliEnv({ ALLIAGE_DATA_DIR: dataDir, ALLIAGE_HTTP_PORT: '0' });
      if (backend === 'postgres+redis') {
        dropDatabase = await useRealBackends(env, 'optouts_e2e');
      }
      gpg = createGpgHome();
      keys = createSshKeyDir();
      privateKeyPath = keys.generateKey({ type: 'ed25519' }).privateKeyPath;
      memberFingerprint = gpg.generateKey({
        algorithm: 'ed25519',
        usage: 'sign',
        encryptionSubkey: 'cv25519',
      });
      // serve first (on PostgreSQL it creates the platform), then the registration through its HTTP API.
      serve = await startServe(env);
      const operator = await operatorOverHttp(serve, env, 'optouts e2e');
      operatorToken = operator.token;
      const admin = operator.admin;
      const platformKey = await admin.platformPgpKey();
      gpg.run(['--import'], platformKey.armoredPublicKey);
      platformFingerprint = platformKey.fingerprint;
      await registerMemberOverHttp(admin, {
        code: 'M01',
        sector: 'automobile',
        sshPublicKeyFile: `${privateKeyPath}.pub`,
        pgpPublicKey: gpg.exportPublicKey(memberFingerprint),
      });
      await admin.setDialect('M01', { delimiter: ';', decimalSeparator: ',' });
    });

    afterAll(async () => {
      if (serve) await stopProcess(serve.child);
      gpg?.close();
      keys?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      await dropDatabase?.();
    });

    let firstUpload = '';

    it('adds the list to the repoussoir with the member as source and reports the bad line', async () => {
      const remoteName = 'M01_optouts_20261203.csv.pgp';
      const { drop, localFile } = await dropList(OPTOUT_LIST, remoteName);
      firstUpload = localFile;
      expect(drop).toMatchObject({ status: 'accepted', rowCount: 28 });
      const report = await readSftpReport({
        serve,
        memberCode: 'M01',
        privateKeyPath,
        fileName: remoteName,
      });
      expect(report).toMatchObject({
        status: 'accepted',
        kind: 'optouts',
        signerFingerprint: memberFingerprint,
        rows: { total: 28, accepted: 27, rejected: 1 },
        rowErrors: [{ line: 28, column: 'value', reason: 'not a valid email address' }],
        repoussoir: { added: 27, alreadyPresent: 0 },
        pool: null,
      });
      const client = await connectSftp({
        sftpPort: serve.sftpPort,
        organisationCode: 'M01',
        privateKeyPath,
      });
      try {
        const text = String(await client.get(`/reports/${remoteName}.report.txt`));
        expect(text).toContain('line 28, column value: not a valid email address');
        expect(text).toContain('optouts   27 new entries, 0 already present');
      } finally {
        await client.end();
      }
      expect(JSON.stringify(report)).not.toMatch(/canary|98 76/i);

      const entries = await listMemberOptouts();
      expect(entries).toHaveLength(27);
      expect(entries.every((entry) => entry.source === 'member_optout')).toBe(true);
      expect(entries.every((entry) => entry.sourceReference === 'M01')).toBe(true);
      expect(entries.map((entry) => `${entry.kind}/${entry.scope}`).sort()).toEqual(
        [...Array(25).fill('email/all'), 'phone/sms', 'postal/postal'].sort(),
      );
    });

    it('adds nothing when the same list is sent again, re-encrypted or byte for byte', async () => {
      const { drop } = await dropList(OPTOUT_LIST, 'M01_optouts_20261204.csv.pgp');
      expect(drop).toMatchObject({ status: 'accepted', rowCount: 28 });
      const report = await readSftpReport({
        serve,
        memberCode: 'M01',
        privateKeyPath,
        fileName: 'M01_optouts_20261204.csv.pgp',
      });
      expect(report.repoussoir).toEqual({ added: 0, alreadyPresent: 27 });

      await uploadToInbox({
        serve,
        memberCode: 'M01',
        privateKeyPath,
        files: [{ localFile: firstUpload, remoteName: 'M01_optouts_again.csv.pgp' }],
      });
      const drops = await waitForDrops({
        serve,
        token: operatorToken,
        fileNames: ['M01_optouts_again.csv.pgp'],
      });
      expect(drops.get('M01_optouts_again.csv.pgp')?.status).toBe('duplicate');
      expect(await listMemberOptouts()).toHaveLength(27);
    });

    it('audits each import for the member, keeps the chain intact and never logs a value', async () => {
      const verify = await runCli(['audit', 'verify', '--json'], env);
      expect(verify.code, verify.stderr).toBe(0);
      const tail = await runCli(['audit', 'tail', '-n', '200', '--json'], env);
      const events = JSON.parse(tail.stdout) as {
        action: string;
        organisationCode: string | null;
        details: Record<string, unknown>;
      }[];
      const imports = events.filter((event) => event.action === 'repoussoir.changed');
      expect(imports.map((event) => [event.organisationCode, event.details.added])).toEqual(
        expect.arrayContaining([
          ['M01', 27],
          ['M01', 0],
        ]),
      );
      expect(events.map((event) => event.action)).toEqual(
        expect.arrayContaining(['file.received', 'file.accepted', 'file.duplicate']),
      );
      expect(tail.stdout).not.toMatch(/canary/i);
      expect(serve.output()).not.toMatch(/canary|98 76/i);
    });
  },
);
