import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import { type FileHandle, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ssh2, { type ConnectConfig, type SFTPWrapper } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import type {
  SftpAccount,
  SftpEvent,
  SftpServer,
  SftpServerOptions,
  SftpUpload,
} from '../src/index.ts';
import { createSftpServer } from '../src/index.ts';

const run = promisify(execFile);

export const OPENSSH_SFTP = '/usr/bin/sftp';
export const HAS_OPENSSH_SFTP = existsSync(OPENSSH_SFTP);

export interface TestKey {
  path: string;
  privateKey: string;
  publicKey: string;
}

/** The organisations every scenario uses: two members (prefix siblings), a client, one both. */
export const ORGANISATIONS = {
  M1: 'member',
  M10: 'member',
  C1: 'client',
  B1: 'both',
} as const;
export type TestOrganisation = keyof typeof ORGANISATIONS;

export interface Harness {
  directory: string;
  storageRoot: string;
  port: number;
  keys: Record<TestOrganisation | 'host' | 'stranger', TestKey>;
  accounts: Map<string, SftpAccount>;
  events: SftpEvent[];
  uploads: SftpUpload[];
  /** Replace to make intake refuse or slow down. */
  onUploadComplete: (upload: SftpUpload) => Promise<void>;
  /** The injected clock; move it with `advance`, which also fires the deadlines now due. */
  advance(seconds: number): void;
  /** Deadlines the server has started on the injected clock and not yet cancelled or fired. */
  pendingTimers(): number;
  server: SftpServer;
  close(): Promise<void>;
}

/**
 * Generates an ed25519 key pair with ssh-keygen. TEST-ONLY keys: made fresh in a
 * temp directory for each run and deleted afterwards; never use them elsewhere.
 */
export async function makeTestKey(directory: string, name: string): Promise<TestKey> {
  const path = join(directory, name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `test-only-${name}`, '-f', path]);
  return {
    path,
    privateKey: await readFile(path, 'utf8'),
    publicKey: (await readFile(`${path}.pub`, 'utf8')).trim(),
  };
}

/** Starts the real server on 127.0.0.1:0 with in-memory accounts and recording callbacks. */
export async function startHarness(overrides: Partial<SftpServerOptions> = {}): Promise<Harness> {
  const directory = await mkdtemp(join(tmpdir(), 'alliage-sftp-'));
  const storageRoot = join(directory, 'storage');
  const names = [...Object.keys(ORGANISATIONS), 'host', 'stranger'] as const;
  const keys = Object.fromEntries(
    await Promise.all(names.map(async (name) => [name, await makeTestKey(directory, name)])),
  ) as Harness['keys'];

  const accounts = new Map<string, SftpAccount>();
  for (const [code, kind] of Object.entries(ORGANISATIONS)) {
    accounts.set(code, {
      organisationCode: code,
      kind,
      publicKeys: [keys[code as TestOrganisation].publicKey],
    });
  }

  let now = new Date('2026-03-02T09:00:00Z').getTime();
  const timers = new Set<{ at: number; callback: () => void }>();
  const events: SftpEvent[] = [];
  const uploads: SftpUpload[] = [];
  const harness = {
    directory,
    storageRoot,
    keys,
    accounts,
    events,
    uploads,
    onUploadComplete: async (upload: SftpUpload) => {
      uploads.push(upload);
    },
    advance(seconds: number) {
      now += seconds * 1000;
      const due = [...timers].filter((timer) => timer.at <= now).sort((a, b) => a.at - b.at);
      for (const timer of due) {
        timers.delete(timer);
        timer.callback();
      }
    },
    pendingTimers: () => timers.size,
  } as Harness;

  const server = createSftpServer({
    hostKeys: [keys.host.privateKey],
    storageRoot,
    lookupAccount: async (username) => accounts.get(username) ?? null,
    onUploadComplete: (upload) => harness.onUploadComplete(upload),
    onEvent: (event) => {
      events.push(event);
    },
    clock: () => new Date(now),
    schedule: (callback, ms) => {
      const timer = { at: now + ms, callback };
      timers.add(timer);
      return () => timers.delete(timer);
    },
    ...overrides,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  harness.server = server;
  harness.port = port;
  harness.close = async () => {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  };
  return harness;
}

/** A quiet ssh2-sftp-client (its default global listeners print to the console). */
export function newSftpClient(): SftpClient {
  const ignore = () => undefined;
  return new SftpClient('test', { error: ignore, end: ignore, close: ignore });
}

/** A TCP socket to the server with Nagle off (each SFTP round trip would wait ~40 ms otherwise). */
export function openSocket(harness: Harness): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(harness.port, '127.0.0.1');
    socket.setNoDelay(true);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Connects with ssh2-sftp-client as `username` with `key`. */
export async function connectSftp(
  harness: Harness,
  username: string,
  key: TestKey,
  extra: Partial<ConnectConfig> = {},
): Promise<SftpClient> {
  const client = newSftpClient();
  await client.connect({
    sock: await openSocket(harness),
    username,
    privateKey: key.privateKey,
    readyTimeout: 5000,
    ...extra,
  });
  return client;
}

/** The raw ssh2 SFTP object behind a client, for requests ssh2-sftp-client does not make. */
export function rawSftp(client: SftpClient): SFTPWrapper {
  return (client as unknown as { sftp: SFTPWrapper }).sftp;
}

/** Resolves with the SFTP status code of a raw request (0 = OK), or its result. */
export function sftpCall<T = unknown>(
  call: (
    callback: (error: (Error & { code?: number }) | null | undefined, result?: T) => void,
  ) => void,
): Promise<{ code: number; result?: T }> {
  return new Promise((resolve) => {
    call((error, result) => {
      if (error) resolve({ code: typeof error.code === 'number' ? error.code : -1 });
      else resolve({ code: 0, ...(result === undefined ? {} : { result }) });
    });
  });
}

/** Tries to log in with raw ssh2 and reports whether it got to `ready`. */
export async function tryLogin(
  harness: Harness,
  config: Partial<ConnectConfig>,
): Promise<'ready' | string> {
  const sock = await openSocket(harness).catch(() => null);
  if (!sock) return 'refused';
  return new Promise((resolve) => {
    const client = new ssh2.Client();
    const finish = (outcome: string) => {
      client.removeAllListeners('ready');
      client.on('error', () => undefined);
      client.end();
      resolve(outcome);
    };
    client.on('ready', () => finish('ready'));
    client.on('error', (error: Error & { level?: string }) => finish(error.level ?? error.message));
    client.on('close', () => finish('closed'));
    client.connect({ sock, readyTimeout: 5000, ...config });
  });
}

/** Runs OpenSSH `sftp -b` with only the given key; resolves with its exit code and output. */
export async function runOpenSshBatch(
  harness: Harness,
  username: string,
  key: TestKey,
  commands: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const batchPath = join(harness.directory, `batch-${Math.random().toString(36).slice(2)}`);
  await writeFile(batchPath, `${commands.join('\n')}\n`);
  const args = [
    '-F',
    '/dev/null',
    '-b',
    batchPath,
    '-i',
    key.path,
    '-P',
    String(harness.port),
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'IdentityAgent=none',
    '-o',
    'LogLevel=ERROR',
    `${username}@127.0.0.1`,
  ];
  try {
    const { stdout, stderr } = await run(OPENSSH_SFTP, args, { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Polls until `predicate` holds (server-side effects land after the client returns). */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A logger that keeps the server's own messages (ids and codes), to read what it did and why. */
export function recordingLogger() {
  const entries: { msg: string; obj: Record<string, unknown> }[] = [];
  const push = (obj: object, msg?: string) =>
    entries.push({ msg: msg ?? '', obj: obj as Record<string, unknown> });
  return { entries, logger: { info: push, warn: push } };
}

/** Event actions recorded so far, optionally of one action only. */
export function eventsOf(harness: Harness, action: SftpEvent['action']): SftpEvent[] {
  return harness.events.filter((event) => event.action === action);
}

/** Everything in `<ORG>/in` on disk, hidden temp files included. */
export function inboxOnDisk(harness: Harness, organisationCode = 'M1'): Promise<string[]> {
  return readdir(join(harness.storageRoot, organisationCode, 'in'));
}

/** Hex SHA-256, as the server reports it for an upload. */
export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Stalls every asynchronous file operation of this process, as a hung disk or NFS
 * mount would: each of libuv's pool threads (which run all `fs` calls) is left
 * blocked opening a FIFO that has no writer. Resolves with `resume`, which opens
 * the FIFO's other end so the blocked opens return, then closes everything. The
 * client side of a test must not touch the file system meanwhile (raw SFTP writes
 * from memory do not).
 */
export async function stallDisk(harness: Harness): Promise<{ resume(): Promise<void> }> {
  const fifo = join(harness.directory, `stall-${Math.random().toString(36).slice(2)}`);
  await run('mkfifo', [fifo]);
  const poolThreads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  const blocked: Promise<FileHandle>[] = [];
  for (let thread = 0; thread < poolThreads; thread += 1) blocked.push(open(fifo, 'r'));
  return {
    async resume() {
      // O_RDWR on a FIFO never blocks (Linux) and counts as its writer.
      const writer = openSync(fifo, constants.O_RDWR);
      try {
        for (const handle of await Promise.all(blocked)) await handle.close();
      } finally {
        closeSync(writer);
      }
    },
  };
}
