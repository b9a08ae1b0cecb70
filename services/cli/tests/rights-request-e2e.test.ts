// A data subject's access request end to end on embedded defaults, through the surfaces
// each party uses: members' files go in over SFTP (GnuPG), the operator works with
// `alliage rights-request …` (through serve's HTTP API), the member reads its SFTP
// `reports/` with ssh2-sftp-client and answers over HTTP, and `alliage audit verify`
// checks the chain. The rules themselves (matching, erasure, opposition, deadlines on a
// clock) are tested in packages/rights; here, that the surfaces fit together.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  cliEnv,
  connectSftp,
  createTestDataDir,
  gpgEncryptAndSign,
  operatorOverHttp,
  registerMemberOverHttp,
  runCli,
  startServe,
  stopProcess,
  type TServe,
  uploadToInbox,
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

const HEADER =
  'customer_id,civility,first_name,last_name,address_complement,address_building,street,address_locality,postcode,city,country,email,phone_mobile,phone_landline,birth_date,optin_email,optin_sms,optin_phone,created_at';
// The canary: only M01 holds it. M02 holds someone of its household (same address,
// another person) and a stranger: neither may reach M01, nor the request reach M02.
const CANARY =
  'C1,M,Jean,CANARI,,,12 avenue Victor Hugo,,75016,PARIS,FR,jean.canari@exemple.test,06 12 34 56 78,,1970-03-12,1,1,1,2026-01-10';
const M01_LINES = [
  CANARY,
  'C2,MME,Marie,DURAND,,,3 rue de la Paix,,69002,LYON,FR,marie.durand@exemple.test,06 98 76 54 32,,1980-01-01,1,1,1,2026-01-10',
];
const M02_LINES = [
  'M02-HOUSEMATE,MME,Lucie,CANARI,,,12 avenue Victor Hugo,,75016,PARIS,FR,lucie.canari@exemple.test,07 55 44 33 22,,1972-08-30,1,1,1,2026-01-10',
  'M02-STRANGER,M,Paul,MARTIN,,,8 rue Nationale,,59000,LILLE,FR,paul.martin@exemple.test,07 11 22 33 44,,1975-05-05,1,1,1,2026-01-10',
];
/** What M02 holds that must never reach M01, nor any report. */
const M02_VALUES = [
  'M02-HOUSEMATE',
  'M02-STRANGER',
  'lucie.canari',
  'Lucie',
  '755443322',
  'paul.martin',
];

interface TItemView {
  memberCode: string;
  customerIds: string[];
  status: string;
  reportFile: string | null;
  dataFile: string | null;
  answeredAt: string | null;
}
interface TRequestView {
  id: string;
  type: string;
  status: string;
  deadline: string;
  dueAt: string;
  extendedUntil: string | null;
  allItemsAnswered: boolean;
  overdue: boolean;
  items: TItemView[];
}

describe.skipIf(!hasGpg || !hasSshKeygen)('a rights request end to end (embedded)', () => {
  const today = new Date().toISOString().slice(0, 10);
  let dataDir: string;
  let env: Record<string, string>;
  let gpg: GpgHome;
  let keys: SshKeyDir;
  let privateKeyPath: string;
  let serve: TServe | null = null;
  let operatorToken: string;
  const adminTokens = new Map<string, string>();
  let requestId = '';

  const running = (): TServe => {
    if (!serve) throw new Error('serve is not running (an earlier step failed)');
    return serve;
  };
  const run = async (args: string[]): Promise<string> => {
    const result = await runCli(args, env);
    if (result.code !== 0) {
      throw new Error(
        `alliage ${args.join(' ')} exited ${result.code}: ${result.stderr}\n${serve?.output().slice(-2000)}`,
      );
    }
    return result.stdout;
  };
  const showRequest = async (): Promise<TRequestView> =>
    JSON.parse(await run(['rights-request', 'show', requestId, '--json']));
  /** A member's call to the HTTP API with its admin token. */
  const memberCall = async (
    memberCode: string,
    method: string,
    urlPath: string,
    body?: unknown,
  ) => {
    const response = await fetch(`${running().url}${urlPath}`, {
      method,
      headers: {
        authorization: `Bearer ${adminTokens.get(memberCode)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /** What a member sees in its SFTP `reports/`: file names, and the content of `fileName`. */
  const readReports = async (memberCode: string, fileName?: string) => {
    const client = await connectSftp({
      sftpPort: running().sftpPort,
      organisationCode: memberCode,
      privateKeyPath,
    });
    try {
      const names = (await client.list('/reports')).map((entry) => entry.name);
      const content = fileName ? ((await client.get(`/reports/${fileName}`)) as Buffer) : null;
      return { names, content };
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    dataDir = await createTestDataDir('alliage-rights-e2e-');
    env = cliEnv({ ALLIAGE_DATA_DIR: dataDir, ALLIAGE_HTTP_PORT: '0' });
    gpg = createGpgHome();
    keys = createSshKeyDir();
    privateKeyPath = keys.generateKey({ type: 'ed25519' }).privateKeyPath;
    // One GnuPG key signs for both members and receives M01's access export.
    const memberFingerprint = gpg.generateKey({
      algorithm: 'ed25519',
      usage: 'sign',
      encryptionSubkey: 'cv25519',
    });
    const memberPgpKey = gpg.exportPublicKey(memberFingerprint);

    // serve first, then the registration through its HTTP API.
    serve = await startServe(env);
    const operator = await operatorOverHttp(serve, env, 'rights e2e');
    operatorToken = operator.token;
    const admin = operator.admin;
    const platformKey = await admin.platformPgpKey();
    gpg.run(['--import'], platformKey.armoredPublicKey);

    const files: Record<string, string[]> = { M01: M01_LINES, M02: M02_LINES };
    for (const [code, sector] of [
      ['M01', 'equipement_maison'],
      ['M02', 'loisirs_voyages'],
    ] as const) {
      await registerMemberOverHttp(admin, {
        code,
        sector,
        sshPublicKeyFile: `${privateKeyPath}.pub`,
        pgpPublicKey: memberPgpKey,
      });
      adminTokens.set(
        code,
        (
          await admin.createToken({
            organisationCode: code,
            role: 'member_admin',
            name: null,
            expiresInDays: null,
          })
        ).token,
      );
      const clearFile = path.join(dataDir, `${code}.csv`);
      writeFileSync(clearFile, `${[HEADER, ...(files[code] ?? [])].join('\n')}\n`);
      await gpgEncryptAndSign({
        gpg,
        recipient: platformKey.fingerprint,
        signer: memberFingerprint,
        clearFile,
        outFile: `${clearFile}.pgp`,
      });
      await uploadToInbox({
        serve: running(),
        memberCode: code,
        privateKeyPath,
        files: [
          { localFile: `${clearFile}.pgp`, remoteName: `${code}_customers_${today}.csv.pgp` },
        ],
      });
    }
    const names = ['M01', 'M02'].map((code) => `${code}_customers_${today}.csv.pgp`);
    const drops = await waitForDrops({ serve: running(), token: operatorToken, fileNames: names });
    expect(names.map((name) => drops.get(name)?.status)).toEqual(['accepted', 'accepted']);
  });

  afterAll(async () => {
    if (serve) await stopProcess(serve.child);
    gpg?.close();
    keys?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates an access request by the canary’s email with the CLI; only M01 is involved', async () => {
    const created = JSON.parse(
      await run([
        ...['rights-request', 'create', '--type', 'access', '--email', ' Jean.Canari@Exemple.TEST'],
        ...['--verification', 'identity card seen, reply to the address on file', '--json'],
      ]),
    ) as TRequestView;
    requestId = created.id;
    expect(created).toMatchObject({ type: 'access', status: 'forwarded' });

    const shown = await showRequest();
    expect(shown.items.map((item) => [item.memberCode, item.customerIds, item.status])).toEqual([
      ['M01', ['C1'], 'forwarded'],
    ]);
    expect(shown.allItemsAnswered).toBe(false);
    // The operator's view names the kinds of contact point given, never their values.
    expect(JSON.stringify(shown)).not.toMatch(/canari/i);

    // M02's inbox and reports/ know nothing of it.
    expect(await memberCall('M02', 'GET', '/v1/members/M02/rights-requests')).toEqual({
      status: 200,
      body: [],
    });
    expect((await readReports('M02')).names.filter((name) => name.startsWith('rights'))).toEqual(
      [],
    );
  });

  it('puts a report and the encrypted data in M01’s SFTP reports/, with nothing of M02', async () => {
    const [item] = (await showRequest()).items;
    const reportFile = `rights-request-${requestId}.json`;
    const dataFile = `rights-request-${requestId}-data.json.gpg`;
    expect(item).toMatchObject({ reportFile, dataFile });

    const listed = await readReports('M01', reportFile);
    expect(listed.names).toEqual(expect.arrayContaining([reportFile, dataFile]));
    const reportText = String(listed.content);
    expect(JSON.parse(reportText)).toMatchObject({
      requestId,
      type: 'access',
      memberCode: 'M01',
      customerIds: ['C1'],
      dataFile,
      action: expect.stringContaining(`/v1/members/{code}/rights-requests/{id}/answer`),
    });
    // Only IDs and what to do: not even the canary's own values are in clear.
    expect(reportText).not.toMatch(/canari|M02/i);

    const data = (await readReports('M01', dataFile)).content as Buffer;
    const clear = gpg.run(['--trust-model', 'always', '--decrypt'], data).toString('utf8');
    const exported = JSON.parse(clear) as { records: Record<string, unknown>[] };
    expect(exported.records.map((record) => [record.customer_id, record.email])).toEqual([
      ['C1', 'jean.canari@exemple.test'],
    ]);
    for (const value of [...M02_VALUES, 'DURAND']) expect(clear).not.toContain(value);
  });

  it('records the member’s answer over HTTP; the request shows it, still open', async () => {
    const answerPath = (code: string) => `/v1/members/${code}/rights-requests/${requestId}/answer`;
    // A member the request was not forwarded to cannot answer it, nor answer for another
    // (404 either way: its existence is not confirmed).
    expect((await memberCall('M02', 'POST', answerPath('M02'), {})).status).toBe(404);
    expect((await memberCall('M02', 'POST', answerPath('M01'), {})).status).toBe(404);
    const tooLong = await memberCall('M01', 'POST', answerPath('M01'), { note: 'x'.repeat(201) });
    expect(tooLong.status).toBe(400);

    const answered = await memberCall('M01', 'POST', answerPath('M01'), {
      note: 'answered by email, ticket 4521',
    });
    expect(answered).toMatchObject({
      status: 200,
      body: { memberCode: 'M01', status: 'answered', answerNote: 'answered by email, ticket 4521' },
    });
    const inbox = await memberCall('M01', 'GET', '/v1/members/M01/rights-requests');
    expect(inbox.body).toEqual([
      expect.objectContaining({ requestId, status: 'answered', answeredAt: expect.any(String) }),
    ]);

    const shown = await showRequest();
    expect(shown).toMatchObject({ status: 'forwarded', allItemsAnswered: true, overdue: false });
    expect(shown.items.map((item) => [item.memberCode, item.status])).toEqual([
      ['M01', 'answered'],
    ]);
  });

  it('lets the operator extend and close it with reasons, and the audit chain verifies', async () => {
    const extended = JSON.parse(
      await run([
        ...['rights-request', 'extend', requestId, '--months', '1'],
        ...['--reason', 'second member file expected', '--json'],
      ]),
    ) as TRequestView;
    expect(extended.extendedUntil).not.toBeNull();
    expect(new Date(extended.deadline).getTime()).toBeGreaterThan(
      new Date(extended.dueAt).getTime(),
    );
    const closed = JSON.parse(
      await run([
        ...['rights-request', 'close', requestId],
        ...['--reason', 'answered by M01 on time', '--json'],
      ]),
    ) as TRequestView & { closeReason: string };
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'answered by M01 on time' });
    expect((await showRequest()).items[0]?.status).toBe('answered');

    const verify = await runCli(['audit', 'verify', '--json'], env);
    expect(verify.code, verify.stderr).toBe(0);
    const tail = await run(['audit', 'tail', '-n', '40', '--json']);
    const events = (JSON.parse(tail) as { action: string; objectId: string | null }[]).filter(
      (event) => event.objectId === requestId,
    );
    expect(events.map((event) => event.action)).toEqual(
      expect.arrayContaining([
        'rights_request.created',
        'rights_request.updated',
        'rights_request.answered',
      ]),
    );
    expect(tail).not.toMatch(/canari|ticket 4521/i);
  });
});
