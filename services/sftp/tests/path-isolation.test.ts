import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import ssh2, { type SFTPWrapper } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSftp,
  eventsOf,
  HAS_OPENSSH_SFTP,
  type Harness,
  rawSftp,
  runOpenSshBatch,
  sftpCall,
  startHarness,
} from './sftp-test-harness.ts';

const { STATUS_CODE } = ssh2.utils.sftp;

let harness: Harness;
let outsideDirectory: string;

/** Every file and link under `directory` with a hash of its content: the "nothing moved" check. */
async function snapshot(directory: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const walk = async (current: string) => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      const key = relative(directory, path);
      if (entry.isSymbolicLink()) result[key] = 'link';
      else if (entry.isDirectory()) {
        result[key] = 'dir';
        await walk(path);
      } else {
        result[key] = createHash('sha256')
          .update(await readFile(path))
          .digest('hex');
      }
    }
  };
  await walk(directory);
  return result;
}

beforeAll(async () => {
  harness = await startHarness();
  outsideDirectory = join(harness.directory, 'outside');
  await mkdir(outsideDirectory);
  await writeFile(join(outsideDirectory, 'secret.txt'), 'outside the storage root');

  // Every organisation logs in once so that its area directories exist.
  for (const code of ['M1', 'M10', 'C1', 'B1'] as const) {
    const client = await connectSftp(harness, code, harness.keys[code]);
    await client.end();
  }
  const m10 = await connectSftp(harness, 'M10', harness.keys.M10);
  await m10.put(Buffer.from('M10 customers'), '/in/m10-secret.pgp');
  await m10.end();
  await writeFile(join(harness.storageRoot, 'M10', 'reports', 'm10-report.pgp'), 'M10 report');
  await writeFile(join(harness.storageRoot, 'C1', 'out', 'delivery.pgp'), 'C1 delivery');

  // Links planted on disk (by a bug or an intruder with local access) inside roots.
  const m1 = join(harness.storageRoot, 'M1');
  await symlink('/etc/passwd', join(m1, 'reports', 'passwd.pgp'));
  await symlink(join(harness.storageRoot, 'M10', 'in'), join(m1, 'reports', 'm10-inbox'));
  await symlink(join(outsideDirectory, 'secret.txt'), join(m1, 'reports', 'secret.pgp'));
  await symlink(
    join(harness.storageRoot, 'M1', 'reports', 'real.pgp'),
    join(m1, 'reports', 'inner.pgp'),
  );
  await writeFile(join(m1, 'reports', 'real.pgp'), 'M1 report');
  // B1's whole areas are links: `in` points outside, `out` to another member's inbox.
  const b1 = join(harness.storageRoot, 'B1');
  await rm(join(b1, 'in'), { recursive: true });
  await rm(join(b1, 'out'), { recursive: true });
  await symlink(outsideDirectory, join(b1, 'in'));
  await symlink(join(harness.storageRoot, 'M10', 'in'), join(b1, 'out'));
});

afterAll(async () => {
  await harness?.close();
});

const ESCAPES = [
  '../',
  '..',
  '../M10/in',
  '/..',
  '/etc/passwd',
  '..\\..',
  '\\etc\\passwd',
  '/in/\u0000',
  '/reports/real.pgp\u0000.txt',
  '/in/../../M10/in',
  '/in/../../M10/in/m10-secret.pgp',
  '/M10/in',
  '/M10/in/m10-secret.pgp',
  '/M10/reports/m10-report.pgp',
  'M10',
  '/out/delivery.pgp',
  '/in/.upload-0000.part',
];

type Call = (sftp: SFTPWrapper, path: string) => Promise<{ code: number; result?: unknown }>;

/** One call per path-taking SFTP request; both argument positions for the two-path ones. */
const PATH_CALLS: Record<string, Call> = {
  'OPEN read': (sftp, path) => sftpCall((done) => sftp.open(path, 'r', done)),
  'OPEN write': (sftp, path) => sftpCall((done) => sftp.open(path, 'w', done)),
  'OPEN append': (sftp, path) => sftpCall((done) => sftp.open(path, 'a', done)),
  OPENDIR: (sftp, path) => sftpCall((done) => sftp.opendir(path, done)),
  STAT: (sftp, path) => sftpCall((done) => sftp.stat(path, done)),
  LSTAT: (sftp, path) => sftpCall((done) => sftp.lstat(path, done)),
  REALPATH: (sftp, path) => sftpCall((done) => sftp.realpath(path, done)),
  READLINK: (sftp, path) => sftpCall((done) => sftp.readlink(path, done)),
  'SYMLINK target': (sftp, path) => sftpCall((done) => sftp.symlink(path, '/in/link.pgp', done)),
  'SYMLINK link': (sftp, path) => sftpCall((done) => sftp.symlink('/in', path, done)),
  'RENAME from': (sftp, path) => sftpCall((done) => sftp.rename(path, '/in/renamed.pgp', done)),
  'RENAME to': (sftp, path) => sftpCall((done) => sftp.rename('/in/own.pgp', path, done)),
  REMOVE: (sftp, path) => sftpCall((done) => sftp.unlink(path, done)),
  RMDIR: (sftp, path) => sftpCall((done) => sftp.rmdir(path, done)),
  MKDIR: (sftp, path) => sftpCall((done) => sftp.mkdir(path, done)),
  SETSTAT: (sftp, path) => sftpCall((done) => sftp.setstat(path, { mode: 0o777 }, done)),
};

describe('path isolation', () => {
  it('refuses every escape on every path-taking handler, and nothing moves on disk', async () => {
    const before = await snapshot(harness.directory);
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    await client.put(Buffer.from('own'), '/in/own.pgp');
    const sftp = rawSftp(client);
    const unexpected: string[] = [];
    for (const [name, call] of Object.entries(PATH_CALLS)) {
      for (const path of ESCAPES) {
        const outcome = await call(sftp, path);
        if (outcome.code === 0) unexpected.push(`${name} ${JSON.stringify(path)}`);
        if (Buffer.isBuffer(outcome.result))
          await sftpCall((done) => sftp.close(outcome.result as Buffer, done));
      }
    }
    await client.end();
    expect(unexpected).toEqual([]);

    const after = await snapshot(harness.directory);
    const added = Object.keys(after).filter((key) => !(key in before));
    expect(added).toEqual([join('storage', 'M1', 'in', 'own.pgp')]);
    for (const [key, value] of Object.entries(before))
      expect([key, after[key]]).toEqual([key, value]);
  });

  it('answers escapes with PERMISSION_DENIED and foreign names with NO_SUCH_FILE, and audits them', async () => {
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const sftp = rawSftp(client);
    const statOf = async (path: string) => (await PATH_CALLS.STAT!(sftp, path)).code;
    expect(await statOf('../')).toBe(STATUS_CODE.PERMISSION_DENIED);
    expect(await statOf('/in/../../M10/in')).toBe(STATUS_CODE.PERMISSION_DENIED);
    expect(await statOf('..\\..')).toBe(STATUS_CODE.PERMISSION_DENIED);
    expect(await statOf('/in/\u0000')).toBe(STATUS_CODE.PERMISSION_DENIED);
    expect(await statOf('/etc/passwd')).toBe(STATUS_CODE.NO_SUCH_FILE);
    expect(await statOf('/M10/in')).toBe(STATUS_CODE.NO_SUCH_FILE);
    expect(await statOf(join(harness.storageRoot, 'M10', 'in'))).toBe(STATUS_CODE.NO_SUCH_FILE);
    expect((await PATH_CALLS.READLINK!(sftp, '/in')).code).toBe(STATUS_CODE.OP_UNSUPPORTED);
    expect((await PATH_CALLS.REMOVE!(sftp, '/in/own.pgp')).code).toBe(
      STATUS_CODE.PERMISSION_DENIED,
    );
    expect((await PATH_CALLS['RENAME from']!(sftp, '/in/own.pgp')).code).toBe(
      STATUS_CODE.PERMISSION_DENIED,
    );
    await client.end();

    const reasons = eventsOf(harness, 'sftp.denied').map((event) => event.details.reason);
    expect(reasons).toEqual(
      expect.arrayContaining(['escapes_root', 'invalid_path', 'outside_namespace', 'write_once']),
    );
    // The attempted path is audited without control characters; the client's message says nothing.
    const nul = eventsOf(harness, 'sftp.denied').find((event) => event.details.path === '/in/?');
    expect(nul).toMatchObject({ organisationCode: 'M1', details: { reason: 'invalid_path' } });
  });

  it('resolves `..` inside the namespace', async () => {
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    expect(await client.realPath('/in/..')).toBe('/');
    expect(await client.realPath('in/../reports')).toBe('/reports');
    await client.end();
  });

  it('never follows links planted on disk, even ones pointing back inside', async () => {
    const client = await connectSftp(harness, 'M1', harness.keys.M1);
    const sftp = rawSftp(client);
    expect((await client.list('/reports')).map((entry) => entry.name)).toEqual(['real.pgp']);
    for (const path of [
      '/reports/passwd.pgp',
      '/reports/secret.pgp',
      '/reports/inner.pgp',
      '/reports/m10-inbox',
      '/reports/m10-inbox/m10-secret.pgp',
    ]) {
      for (const name of ['OPEN read', 'OPENDIR', 'STAT', 'LSTAT'] as const) {
        expect([name, path, (await PATH_CALLS[name]!(sftp, path)).code]).toEqual([
          name,
          path,
          STATUS_CODE.PERMISSION_DENIED,
        ]);
      }
    }
    expect(String(await client.get('/reports/real.pgp'))).toBe('M1 report');
    await client.end();
    expect(
      eventsOf(harness, 'sftp.denied').some((event) => event.details.reason === 'symlink_on_disk'),
    ).toBe(true);
  });

  it('refuses areas that are themselves links, for reads and uploads', async () => {
    const client = await connectSftp(harness, 'B1', harness.keys.B1);
    await expect(client.list('/out')).rejects.toThrow();
    await expect(client.get('/out/m10-secret.pgp')).rejects.toThrow();
    await expect(client.list('/in')).rejects.toThrow();
    await expect(client.put(Buffer.from('x'), '/in/escape.pgp')).rejects.toThrow();
    await client.end();
    expect(await readdir(outsideDirectory)).toEqual(['secret.txt']);
  });

  it('shows each kind only its own areas, and lets no member into another member', async () => {
    const m1 = await connectSftp(harness, 'M1', harness.keys.M1);
    expect((await m1.list('/')).map((entry) => entry.name)).toEqual(['in', 'reports']);
    await expect(m1.list('/M10/in')).rejects.toThrow();
    await expect(m1.list('../M10/in')).rejects.toThrow();
    await expect(m1.get('/M10/in/m10-secret.pgp')).rejects.toThrow();
    await expect(m1.get('/in/../../M10/reports/m10-report.pgp')).rejects.toThrow();
    expect((await m1.list('/in')).map((entry) => entry.name)).toEqual(['own.pgp']);
    await m1.end();

    const c1 = await connectSftp(harness, 'C1', harness.keys.C1);
    expect((await c1.list('/')).map((entry) => entry.name)).toEqual(['out']);
    await c1.end();

    const b1 = await connectSftp(harness, 'B1', harness.keys.B1);
    const names = await sftpCall<{ filename: string }[]>((done) => rawSftp(b1).readdir('/', done));
    expect(names.result?.map((entry) => entry.filename)).toEqual(['in', 'reports', 'out']);
    await b1.end();
  });

  it('lets members neither read back in/ nor write reports/, and clients not write out/', async () => {
    const m1 = await connectSftp(harness, 'M1', harness.keys.M1);
    await expect(m1.get('/in/own.pgp')).rejects.toThrow();
    await expect(m1.put(Buffer.from('x'), '/reports/forged.pgp')).rejects.toThrow();
    await expect(m1.put(Buffer.from('x'), '/out/forged.pgp')).rejects.toThrow();
    await m1.end();

    const c1 = await connectSftp(harness, 'C1', harness.keys.C1);
    await expect(c1.put(Buffer.from('x'), '/out/forged.pgp')).rejects.toThrow();
    await expect(c1.put(Buffer.from('x'), '/in/forged.pgp')).rejects.toThrow();
    await expect(c1.list('/in')).rejects.toThrow();
    await c1.end();

    await expect(stat(join(harness.storageRoot, 'M1', 'reports', 'forged.pgp'))).rejects.toThrow();
    await expect(stat(join(harness.storageRoot, 'C1', 'out', 'forged.pgp'))).rejects.toThrow();
    await expect(stat(join(harness.storageRoot, 'C1', 'in'))).rejects.toThrow();
  });

  it('shows an account given reports only that area: it fetches its reports and uploads nothing', async () => {
    const account = harness.accounts.get('M10');
    if (!account) throw new Error('harness account M10 missing');
    // An offboarded member fetching its offboarding export.
    harness.accounts.set('M10', { ...account, areas: ['reports'] });
    try {
      const m10 = await connectSftp(harness, 'M10', harness.keys.M10);
      expect((await m10.list('/')).map((entry) => entry.name)).toEqual(['reports']);
      expect(String(await m10.get('/reports/m10-report.pgp'))).toBe('M10 report');
      await expect(m10.put(Buffer.from('x'), '/in/late.pgp')).rejects.toThrow();
      await expect(m10.list('/in')).rejects.toThrow();
      await m10.end();
      await expect(stat(join(harness.storageRoot, 'M10', 'in', 'late.pgp'))).rejects.toThrow();
    } finally {
      harness.accounts.set('M10', account);
    }
  });

  it('handles are per session: another session cannot use them', async () => {
    const c1 = await connectSftp(harness, 'C1', harness.keys.C1);
    const c1Sftp = rawSftp(c1);
    const handle = (await sftpCall<Buffer>((done) => c1Sftp.open('/out/delivery.pgp', 'r', done)))
      .result!;
    const m1 = await connectSftp(harness, 'M1', harness.keys.M1);
    const sftp = rawSftp(m1);
    const buffer = Buffer.alloc(64);
    const attempts = [
      await sftpCall((done) => sftp.read(handle, buffer, 0, 64, 0, done)),
      await sftpCall((done) => sftp.write(handle, Buffer.from('x'), 0, 1, 0, done)),
      await sftpCall((done) => sftp.fstat(handle, done)),
      await sftpCall((done) => sftp.fsetstat(handle, { mode: 0o777 }, done)),
      await sftpCall((done) => sftp.readdir(handle, done)),
      await sftpCall((done) => sftp.close(handle, done)),
    ];
    expect(attempts.map((attempt) => attempt.code)).toEqual(Array(6).fill(STATUS_CODE.FAILURE));
    // In its own session the handle is read-only.
    expect(
      (await sftpCall((done) => c1Sftp.write(handle, Buffer.from('x'), 0, 1, 0, done))).code,
    ).toBe(STATUS_CODE.PERMISSION_DENIED);
    expect((await sftpCall((done) => c1Sftp.close(handle, done))).code).toBe(0);
    await m1.end();
    await c1.end();
    expect(await readFile(join(harness.storageRoot, 'C1', 'out', 'delivery.pgp'), 'utf8')).toBe(
      'C1 delivery',
    );
  });

  it.skipIf(!HAS_OPENSSH_SFTP)('holds against OpenSSH sftp too', async () => {
    const result = await runOpenSshBatch(harness, 'M1', harness.keys.M1, [
      `lcd ${outsideDirectory}`,
      '-cd ..',
      'pwd',
      '-get /etc/passwd',
      '-ls /M10/in',
      '-ls ../M10',
      '-get /reports/passwd.pgp',
      '-rename /in/own.pgp /in/moved.pgp',
      '-rm /in/own.pgp',
      '-mkdir /in/sub',
      '-ln -s /etc /in/etc',
      '-chmod 777 /in/own.pgp',
      'ls /in',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Remote working directory: /');
    expect(result.stdout).toContain('own.pgp');
    expect(result.stdout).not.toContain('root:');
    expect(await readdir(join(harness.storageRoot, 'M1', 'in'))).toEqual(['own.pgp']);
  });
});
