import { type ChildProcess, execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GpgHome } from '@alliage/crypto/testing';
import { openWarehouse, type TWarehouse } from '@alliage/warehouse';
import { parse } from 'csv-parse/sync';
import SftpClient from 'ssh2-sftp-client';
import type { startServe } from './run-cli.ts';

/** A running `alliage serve`, as `startServe` resolves it. */
export type TServe = Awaited<ReturnType<typeof startServe>>;

/** A read connection to the pool. */
export type TPoolConnection = Awaited<ReturnType<TWarehouse['connect']>>;

/** One drop as `GET /v1/files` lists it. */
export interface TDropView {
  id: string;
  fileName: string;
  organisationCode: string;
  status: string;
  rowCount: number | null;
}

/** A member CSV read back: its header and its rows, every field as text. */
export interface TMemberCsv {
  header: string[];
  rows: string[][];
}

/** A pooled record's resolved identity, keyed elsewhere by `${member_code}:${customer_id}`. */
export interface TPooledIdentity {
  /** Null would mean a record left unresolved. */
  personId: number | null;
  householdId: number | null;
}

/**
 * Encrypts a clear file to the platform key and signs it with the member key,
 * asynchronously so that a running serve's output keeps draining meanwhile.
 *
 * @example
 * await encryptAndSign({ gpg, recipient: platformFingerprint, signer, clearFile: 'a.csv', outFile: 'a.csv.pgp' });
 */
export function encryptAndSign(options: {
  gpg: GpgHome;
  recipient: string;
  signer: string;
  clearFile: string;
  outFile: string;
}): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'gpg',
      [
        ...['--batch', '--yes', '--homedir', options.gpg.dir, '--trust-model', 'always'],
        ...['--encrypt', '--sign', '-r', options.recipient, '-u', options.signer],
        ...['--output', options.outFile, options.clearFile],
      ],
      (error, _stdout, stderr) =>
        error ? reject(new Error(`gpg could not encrypt a test file: ${stderr}`)) : resolve(),
    );
  });
}

/**
 * Reads a generated UTF-8 member CSV (with or without a byte order mark).
 *
 * @example
 * const { header, rows } = readMemberCsv('/tmp/pool/M01_customers.csv', ',');
 */
export function readMemberCsv(file: string, delimiter: string): TMemberCsv {
  const [header, ...rows] = parse(readFileSync(file, 'utf8'), {
    delimiter,
    bom: true,
    relax_quotes: false,
  }) as string[][];
  if (!header) throw new Error(`${path.basename(file)} has no header`);
  return { header, rows };
}

/**
 * Writes a member CSV in UTF-8 with every field quoted (embedded quotes doubled).
 *
 * @example
 * writeMemberCsv('/tmp/delta.csv', { header, rows, delimiter: ';' });
 */
export function writeMemberCsv(file: string, csv: TMemberCsv & { delimiter: string }): void {
  const line = (fields: string[]) =>
    fields.map((field) => `"${field.replaceAll('"', '""')}"`).join(csv.delimiter);
  writeFileSync(file, `${[csv.header, ...csv.rows].map(line).join('\n')}\n`);
}

/**
 * Uploads files into a member's SFTP inbox `/in`, logging in as the member.
 *
 * @example
 * await uploadToInbox({ serve, memberCode: 'M01', privateKeyPath, files: [{ localFile, remoteName }] });
 */
export async function uploadToInbox(options: {
  serve: TServe;
  memberCode: string;
  privateKeyPath: string;
  files: { localFile: string; remoteName: string }[];
}): Promise<void> {
  const client = new SftpClient();
  await client.connect({
    host: '127.0.0.1',
    port: options.serve.sftpPort,
    username: options.memberCode,
    privateKey: readFileSync(options.privateKeyPath),
  });
  try {
    for (const file of options.files) await client.put(file.localFile, `/in/${file.remoteName}`);
  } finally {
    await client.end();
  }
}

/**
 * Reads one of a member's reports from its SFTP `reports/` folder.
 *
 * @example
 * const report = await readSftpReport({ serve, memberCode: 'M02', privateKeyPath, fileName });
 */
export async function readSftpReport(options: {
  serve: TServe;
  memberCode: string;
  privateKeyPath: string;
  fileName: string;
}): Promise<Record<string, unknown>> {
  const client = new SftpClient();
  await client.connect({
    host: '127.0.0.1',
    port: options.serve.sftpPort,
    username: options.memberCode,
    privateKey: readFileSync(options.privateKeyPath),
  });
  try {
    return JSON.parse(String(await client.get(`/reports/${options.fileName}.report.json`)));
  } finally {
    await client.end();
  }
}

/**
 * Lists every drop through `GET /v1/files` (an operator token sees all members).
 *
 * @example
 * const drops = await listDrops(serve, operatorToken);
 */
export async function listDrops(serve: TServe, token: string): Promise<TDropView[]> {
  const response = await fetch(`${serve.url}/v1/files?limit=500`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`GET /v1/files answered ${response.status}`);
  return (await response.json()) as TDropView[];
}

/**
 * Polls `GET /v1/files` until every named drop satisfies `isDone` (default: finished,
 * i.e. neither received nor processing); throws with serve's output tail otherwise.
 *
 * @example
 * const drops = await waitForDrops({ serve, token, fileNames: ['M01_customers_1.csv.pgp'] });
 */
export async function waitForDrops(options: {
  serve: TServe;
  token: string;
  fileNames: string[];
  timeoutMs?: number;
  isDone?: (drop: TDropView) => boolean;
}): Promise<Map<string, TDropView>> {
  const isDone =
    options.isDone ?? ((drop) => drop.status !== 'received' && drop.status !== 'processing');
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let seen = new Map<string, TDropView>();
  while (Date.now() < deadline) {
    const drops = await listDrops(options.serve, options.token);
    seen = new Map(
      drops
        .filter((drop) => options.fileNames.includes(drop.fileName))
        .map((drop) => [drop.fileName, drop]),
    );
    if (options.fileNames.every((name) => seen.has(name) && isDone(seen.get(name) as TDropView)))
      return seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const states = options.fileNames.map((name) => `${name}: ${seen.get(name)?.status ?? 'unseen'}`);
  throw new Error(
    `drops not done in time (${states.join(', ')}):\n${options.serve.output().slice(-3000)}`,
  );
}

/**
 * Sends SIGKILL (no chance to clean up) and waits for the process to be gone.
 *
 * @example
 * await killProcess(serve.child);
 */
export function killProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * Opens the pool of a STOPPED platform (one process owns it) with the data
 * directory's own key, runs `work` on a read connection, and closes it.
 *
 * @example
 * const count = await withPool(dataDir, (connection) => countRows(connection, 'SELECT count(*) FROM persons'));
 */
export async function withPool<T>(
  dataDir: string,
  work: (connection: TPoolConnection) => Promise<T>,
): Promise<T> {
  const warehouse = await openWarehouse({
    databasePath: path.join(dataDir, 'pool', 'pool.duckdb'),
    encryptionKey: readFileSync(path.join(dataDir, 'secrets', 'pool.key'), 'utf8'),
    memoryLimit: '1GB',
  });
  try {
    const connection = await warehouse.connect();
    return await work(connection);
  } finally {
    await warehouse.close();
  }
}

/**
 * Runs a query and returns its rows as plain JS values.
 *
 * @example
 * const rows = await queryRows(connection, 'SELECT customer_id FROM member_records WHERE member_code = $1', ['M01']);
 */
export async function queryRows(
  connection: TPoolConnection,
  sql: string,
  params: (string | number)[] = [],
): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql, params)).getRowsJS() as unknown[][];
}

/**
 * Runs a `SELECT count(*)`-like query and returns its one number.
 *
 * @example
 * const persons = await countRows(connection, 'SELECT count(*) FROM persons');
 */
export async function countRows(
  connection: TPoolConnection,
  sql: string,
  params: (string | number)[] = [],
): Promise<number> {
  return Number((await queryRows(connection, sql, params))[0]?.[0] ?? Number.NaN);
}

/**
 * Every pooled record's person and household, keyed by `${member_code}:${customer_id}`.
 *
 * @example
 * const identities = await readPoolIdentities(connection); identities.get('M01:C000001')?.personId
 */
export async function readPoolIdentities(
  connection: TPoolConnection,
): Promise<Map<string, TPooledIdentity>> {
  const rows = await queryRows(
    connection,
    `SELECT r.member_code || ':' || r.customer_id, r.person_id, p.household_id
     FROM member_records r LEFT JOIN persons p USING (person_id)`,
  );
  return new Map(
    rows.map(([recordKey, personId, householdId]) => [
      String(recordKey),
      {
        personId: personId === null ? null : Number(personId),
        householdId: householdId === null ? null : Number(householdId),
      },
    ]),
  );
}

/**
 * An ISO date `months` calendar months before `today` (UTC).
 *
 * @example
 * monthsBefore('2026-11-23', 40) // '2023-07-23'
 */
export function monthsBefore(today: string, months: number): string {
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - months);
  return date.toISOString().slice(0, 10);
}
