import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  cliEnv,
  downloadFromOutbox,
  gpgEncryptAndSign,
  runCli,
  startServe,
  stopProcess,
  type TDropView,
  type TServe,
  uploadToInbox,
  waitForDrops,
} from '@alliage/cli/testing';
import {
  createGpgHome,
  createSshKeyDir,
  type GpgHome,
  type SshKeyDir,
} from '@alliage/crypto/testing';
import { parse } from 'csv-parse/sync';
import { generatePoolData, type TGeneratedManifest } from '../generate/generate-pool-data.ts';
import { callApi } from './call-api.ts';
import { checkDeliveryCsv } from './check-delivery-csv.ts';
import { createDemoProgress } from './create-demo-progress.ts';
import { gpgDecryptVerified } from './gpg-decrypt-verified.ts';

/** The members of the story, their sectors, and the one that refuses the client's sector. */
const MEMBER_SECTORS = {
  M01: 'equipement_personne',
  M02: 'equipement_maison',
  M03: 'loisirs_voyages',
  M04: 'presse_edition',
} as const;
const DENYING_MEMBER = 'M04';
const CLIENT = { code: 'C01', sector: 'energie' } as const;
const SEED_EMAIL_DOMAIN = 'alliage-temoins.fr';
const REPOUSSOIR_EMAILS = 2;
/** Steps up to and including the pool build; the rest is the selection half. */
const POOL_STEPS = 13;
const TOTAL_STEPS = 24;

type TMemberCode = keyof typeof MEMBER_SECTORS;
const MEMBER_CODES = Object.keys(MEMBER_SECTORS) as TMemberCode[];

export interface RunDemoStoryOptions {
  /** A fresh, empty data directory (the caller creates and deletes it). */
  dataDir: string;
  /** Member records to generate over the four members. */
  records: number;
  /** Stop after the pool build (the first half of the story). */
  stopAfterPool: boolean;
  write: (text: string) => void;
}

/** What the story did, for the summary table (counts only). */
export interface TDemoSummary {
  steps: { done: number; total: number };
  filesAccepted: string;
  recordsSent: number;
  poolRecords: number;
  persons: number;
  households: number;
  /** Accepted customer records not in the pool (nor held): past the 36 months. */
  expiredPurged: number;
  expiredTransactions: number;
  repoussoirEntries: number;
  personsOpposed: number | null;
  countShown?: string;
  orderedQuantity?: number;
  deliveredRows?: number;
  seeds?: number;
  deniedMemberUsage?: string;
  auditEvents?: number;
}

interface TPoolBuild {
  purged: { records: number };
  opposedPersons: number | null;
}

interface TPoolStats {
  records: number;
  heldRecords: number;
  persons: number;
  households: number;
}

interface TDelivery {
  id: string;
  selectionId: string;
  status: string;
  fileName: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  rowCount: number | null;
  /** In the operator's view only: the client is not told how many rows are seeds. */
  seedCount?: number | null;
  signerFingerprint: string | null;
  errorCode: string | null;
}

/**
 * The whole Alliage story on embedded defaults against a freshly started `alliage
 * serve`: members, client, instructions, synthetic files encrypted and uploaded over
 * SFTP, intake, the pool build, then a client's count, order, an operator's approval,
 * the delivery downloaded over SFTP, decrypted and checked, and compliance verifying
 * the audit chain. Throws a `DemoStepError` naming the failing step; always stops serve.
 *
 * @example
 * const summary = await runDemoStory({ dataDir, records: 3000, stopAfterPool: false, write: console.log });
 */
export async function runDemoStory(options: RunDemoStoryOptions): Promise<TDemoSummary> {
  const { dataDir } = options;
  const total = options.stopAfterPool ? POOL_STEPS : TOTAL_STEPS;
  const progress = createDemoProgress({ total, write: options.write });
  const work = path.join(dataDir, 'demo');
  const today = new Date().toISOString().slice(0, 10);
  const env = cliEnv({
    ALLIAGE_DATA_DIR: path.join(dataDir, 'platform'),
    ALLIAGE_HTTP_PORT: '0',
    ALLIAGE_SFTP_PORT: '0',
    ALLIAGE_POOL_MEMORY_LIMIT: '1GB',
    ALLIAGE_SEED_EMAIL_DOMAIN: SEED_EMAIL_DOMAIN,
  });
  let serve: TServe | null = null;
  let gpg: GpgHome | null = null;
  let sshKeys: SshKeyDir | null = null;
  const summary: TDemoSummary = {
    steps: { done: 0, total },
    filesAccepted: '-',
    recordsSent: 0,
    poolRecords: 0,
    persons: 0,
    households: 0,
    expiredPurged: 0,
    expiredTransactions: 0,
    repoussoirEntries: 0,
    personsOpposed: null,
  };
  const step = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
    const result = await progress.step(label, run);
    summary.steps.done += 1;
    return result;
  };
  const running = (): TServe => {
    if (!serve) throw new Error('serve is not running');
    return serve;
  };
  const cli = async (args: string[]): Promise<unknown> => {
    const result = await runCli([...args, '--json'], env);
    if (result.code !== 0) {
      throw new Error(
        `alliage ${args.slice(0, 2).join(' ')} exited ${result.code}: ${result.stderr.trim()}`,
      );
    }
    return JSON.parse(result.stdout);
  };
  const api = <T>(token: string, method: 'GET' | 'POST' | 'PUT', apiPath: string, body?: unknown) =>
    callApi<T>({ url: running().url, token, method, path: apiPath, body });

  try {
    await mkdir(work, { recursive: true });

    // --- Keys, data and the platform -----------------------------------------
    const keys = await step(
      `creating test-only SSH and PGP keys for ${MEMBER_CODES.length} members and client ${CLIENT.code}`,
      async () => {
        gpg = createGpgHome();
        sshKeys = createSshKeyDir();
        const home = gpg;
        const ssh = sshKeys;
        const codes: string[] = [...MEMBER_CODES, CLIENT.code];
        return new Map(
          codes.map((code) => {
            const pgpFingerprint = home.generateKey({
              algorithm: 'ed25519',
              usage: 'sign',
              encryptionSubkey: 'cv25519',
            });
            const pgpFile = path.join(work, `${code}-pgp.asc`);
            writeFileSync(pgpFile, home.exportPublicKey(pgpFingerprint));
            const { privateKeyPath, publicKeyPath } = ssh.generateKey({ type: 'ed25519' });
            return [code, { pgpFingerprint, pgpFile, privateKeyPath, publicKeyPath }] as const;
          }),
        );
      },
    );
    const keyOf = (code: string) => {
      const found = keys.get(code);
      if (!found) throw new Error(`no keys for ${code}`);
      return found;
    };
    const gpgHome = (): GpgHome => {
      if (!gpg) throw new Error('no GnuPG home');
      return gpg;
    };

    const manifest: TGeneratedManifest = await step(
      `generating synthetic files for ${MEMBER_CODES.length} members (~${options.records} records, expired ones and a Windows-1252 member included)`,
      () =>
        generatePoolData({
          outDir: path.join(work, 'generated'),
          records: options.records,
          members: MEMBER_CODES.length,
          seed: 2026,
          asOf: today,
        }),
    );

    serve = await step(
      'starting alliage serve on embedded defaults (PGlite, in-process queue, DuckDB, SFTP)',
      () => startServe(env),
    );

    const { operatorToken, platformFingerprint } = await step(
      'creating the operator token and importing the platform PGP key',
      async () => {
        const [created, platformKey] = (await Promise.all([
          cli(['token', 'create', '--role', 'operator', '--name', 'demo operator']),
          cli(['platform', 'pgp-key']),
        ])) as [{ token: string }, { armoredPublicKey: string; fingerprint: string }];
        gpgHome().run(['--import'], platformKey.armoredPublicKey);
        return { operatorToken: created.token, platformFingerprint: platformKey.fingerprint };
      },
    );

    await step(
      `registering ${MEMBER_CODES.join(', ')} and client ${CLIENT.code} over the API (keys, dialects, instructions; ${DENYING_MEMBER} denies ${CLIENT.sector})`,
      async () => {
        // The HTTP API rather than one CLI process per call: same routes, a fraction of the time.
        const register = async (code: string, kind: 'member' | 'client', sector: string) => {
          const key = keyOf(code);
          await api(operatorToken, 'POST', '/v1/organisations', {
            code,
            name: `Demo ${kind} ${code}`,
            kind,
            sector,
          });
          await api(operatorToken, 'POST', `/v1/organisations/${code}/keys`, {
            type: 'ssh',
            publicKey: readFileSync(key.publicKeyPath, 'utf8'),
          });
          await api(operatorToken, 'POST', `/v1/organisations/${code}/keys`, {
            type: 'pgp',
            publicKey: readFileSync(key.pgpFile, 'utf8'),
          });
        };
        await Promise.all([
          ...manifest.members.map(async (generated) => {
            const code = generated.code as TMemberCode;
            await register(code, 'member', MEMBER_SECTORS[code]);
            await api(operatorToken, 'PUT', `/v1/members/${code}/dialect`, generated.dialect);
            await api(operatorToken, 'PUT', `/v1/members/${code}/instructions`, {
              purposes: ['targeting'],
              channels: ['postal', 'email'],
              thirdPartyAllowed: true,
              clientSectorsAllow: null,
              clientSectorsDeny: code === DENYING_MEMBER ? [CLIENT.sector] : [],
              retentionMonths: 36,
              signedBy: `DPO of ${code} (demo)`,
              effectiveFrom: today,
            });
          }),
          register(CLIENT.code, 'client', CLIENT.sector),
        ]);
      },
    );

    // --- Member files in, over SFTP ------------------------------------------
    const remoteNames = (code: string) => ({
      customers: `${code}_customers_${today}.csv.pgp`,
      transactions: `${code}_transactions_${today}.csv.pgp`,
    });
    const encrypted = await step(
      `encrypting and signing ${manifest.members.length * 2} member files with gpg`,
      async () =>
        new Map(
          await Promise.all(
            manifest.members.map(async (generated) => {
              const signer = keyOf(generated.code).pgpFingerprint;
              const files = await Promise.all(
                [generated.customersFile, generated.transactionsFile].map(async (clearFile) => {
                  const outFile = `${clearFile}.pgp`;
                  await gpgEncryptAndSign({
                    gpg: gpgHome(),
                    recipient: platformFingerprint,
                    signer,
                    clearFile,
                    outFile,
                  });
                  return outFile;
                }),
              );
              return [generated.code, files] as const;
            }),
          ),
        ),
    );
    for (const generated of manifest.members) {
      await step(`uploading ${generated.code} files over SFTP`, async () => {
        const [customers, transactions] = encrypted.get(generated.code) ?? [];
        if (!customers || !transactions)
          throw new Error(`${generated.code} files were not encrypted`);
        await uploadToInbox({
          serve: running(),
          memberCode: generated.code,
          privateKeyPath: keyOf(generated.code).privateKeyPath,
          files: [
            { localFile: customers, remoteName: remoteNames(generated.code).customers },
            { localFile: transactions, remoteName: remoteNames(generated.code).transactions },
          ],
        });
      });
    }

    const allNames = manifest.members.flatMap((generated) =>
      Object.values(remoteNames(generated.code)),
    );
    const drops: TDropView[] = await step(
      `waiting for intake (${allNames.length} files decrypted, verified, loaded)`,
      async () => {
        const finished = [
          ...(
            await waitForDrops({ serve: running(), token: operatorToken, fileNames: allNames })
          ).values(),
        ];
        const refused = finished.filter((drop) => drop.status !== 'accepted');
        if (refused.length > 0) {
          throw new Error(
            `not accepted: ${refused.map((drop) => `${drop.fileName} ${drop.status}`).join(', ')}`,
          );
        }
        return finished;
      },
    );
    summary.filesAccepted = `${drops.length} / ${allNames.length}`;
    summary.recordsSent = drops
      .filter((drop) => drop.fileName.includes('_customers_'))
      .reduce((sum, drop) => sum + (drop.rowCount ?? 0), 0);
    // Customer records past the 36 months never reach the pool (held until their
    // transactions show them expired, or purged by the build); transactions past it
    // are dropped at intake and counted in each transactions file's report.
    const report = (drop: TDropView) =>
      (drop.report ?? null) as {
        rows?: { accepted?: number };
        pool?: { expiredAtIntake?: number };
      } | null;
    const customerRowsAccepted = drops
      .filter((drop) => drop.fileName.includes('_customers_'))
      .reduce((sum, drop) => sum + (report(drop)?.rows?.accepted ?? 0), 0);
    summary.expiredTransactions = drops
      .filter((drop) => drop.fileName.includes('_transactions_'))
      .reduce((sum, drop) => sum + (report(drop)?.pool?.expiredAtIntake ?? 0), 0);

    const opposedEmails = await step(
      `adding ${REPOUSSOIR_EMAILS} customers' emails to the repoussoir (CLI, stored as keyed hashes)`,
      async () => {
        const emails = pickRepoussoirEmails(manifest, REPOUSSOIR_EMAILS);
        await Promise.all(
          emails.map((email) =>
            cli([
              ...['repoussoir', 'add', '--kind', 'email', '--value', email],
              ...['--source', 'subject_request', '--reference', 'DEMO-1'],
            ]),
          ),
        );
        return emails;
      },
    );
    summary.repoussoirEntries = opposedEmails.length;

    await step(
      'building the pool (retention purge, identities, households, repoussoir marks)',
      async () => {
        const build = await api<TPoolBuild>(operatorToken, 'POST', '/v1/pool/build', {
          full: true,
        });
        const stats = await api<TPoolStats>(operatorToken, 'GET', '/v1/pool/stats');
        summary.expiredPurged = customerRowsAccepted - stats.records - stats.heldRecords;
        summary.personsOpposed = build.opposedPersons;
        summary.poolRecords = stats.records;
        summary.persons = stats.persons;
        summary.households = stats.households;
        if (stats.persons === 0) throw new Error('the pool holds no person');
      },
    );
    if (options.stopAfterPool) return summary;

    // --- The client's selection, approval and delivery -------------------------
    const clientToken = await step(
      `creating a client_marketer principal and token for ${CLIENT.code}`,
      async () => {
        const created = (await cli([
          'token',
          'create',
          '--org',
          CLIENT.code,
          '--role',
          'client_marketer',
          '--name',
          'demo marketer',
        ])) as { token: string };
        return created.token;
      },
    );

    const selection = await step(
      `${CLIENT.code} creates an email selection (targeting, age 30–70)`,
      () =>
        api<{ id: string }>(clientToken, 'POST', '/v1/selections', {
          name: 'Demo: energy offer by email',
          channel: 'email',
          purpose: 'targeting',
          campaignStart: addDays(today, 7),
          campaignEnd: addDays(today, 37),
          criteria: { age: { min: 30, max: 70 } },
        }),
    );

    const shown = await step(
      `${CLIENT.code} counts it (thresholded, rounded, audited)`,
      async () => {
        const count = await api<{ total: number | string }>(
          clientToken,
          'POST',
          `/v1/selections/${selection.id}/count`,
        );
        if (typeof count.total !== 'number')
          throw new Error(`the count is ${count.total}: too small to order`);
        return count.total;
      },
    );
    summary.countShown = String(shown);
    // Below the shown count by more than its rounding, so the eligible persons cover it.
    const quantity = Math.max(20, Math.min(250, Math.floor(shown * 0.8)));
    summary.orderedQuantity = quantity;

    await step(`${CLIENT.code} orders ${quantity} of them`, () =>
      api(clientToken, 'POST', `/v1/selections/${selection.id}/order`, { quantity }),
    );
    await step('the operator approves the order (four eyes: not the requester)', () =>
      api(operatorToken, 'POST', `/v1/selections/${selection.id}/approve`, {
        reason: 'Demo: purpose, channel and campaign dates checked',
      }),
    );

    const delivery = await step('waiting for the delivery to be written to the client outbox', () =>
      waitForDelivery(() => api<TDelivery[]>(clientToken, 'GET', '/v1/deliveries'), selection.id),
    );

    const encryptedFile = path.join(work, delivery.fileName ?? 'delivery.gpg');
    await step(`${CLIENT.code} downloads it over SFTP from /out/`, async () => {
      await downloadFromOutbox({
        serve: running(),
        clientCode: CLIENT.code,
        privateKeyPath: keyOf(CLIENT.code).privateKeyPath,
        fileName: delivery.fileName ?? '',
        localFile: encryptedFile,
      });
      const bytes = readFileSync(encryptedFile);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (bytes.length !== delivery.sizeBytes || sha256 !== delivery.sha256) {
        throw new Error(
          'the downloaded file does not match the size and SHA-256 the platform recorded',
        );
      }
    });

    const clearFile = path.join(work, 'delivery.csv');
    await step(
      `decrypting it with ${CLIENT.code}'s key and verifying the platform signature (gpg)`,
      () =>
        gpgDecryptVerified({
          homedir: gpgHome().dir,
          inFile: encryptedFile,
          outFile: clearFile,
          expectedSigner: platformFingerprint,
        }),
    );

    await step(
      'checking the file (rows, columns of the channel only, seeds, no repoussoir email)',
      async () => {
        const { seedCount: platformSeedCount } = await api<TDelivery>(
          operatorToken,
          'GET',
          `/v1/deliveries/${delivery.id}`,
        );
        const seedCount = platformSeedCount ?? 0;
        const check = checkDeliveryCsv({
          csvText: readFileSync(clearFile, 'utf8'),
          channel: 'email',
          expectedPersons: (delivery.rowCount ?? 0) - seedCount,
          seedCount,
          seedEmailDomain: SEED_EMAIL_DOMAIN,
          opposedEmails,
        });
        summary.deliveredRows = check.rows;
        summary.seeds = check.seedsFound ?? seedCount;
        if (check.rows - seedCount !== quantity) {
          throw new Error(`${check.rows - seedCount} persons delivered, ${quantity} ordered`);
        }
        if (seedCount < 1) throw new Error('the delivery carries no seed record');
      },
    );

    await step(
      `checking members' usage: ${DENYING_MEMBER} (denies ${CLIENT.sector}) supplied no one`,
      async () => {
        const used = async (code: string) =>
          (
            await api<{ deliveryId: string; personCount: number }[]>(
              operatorToken,
              'GET',
              `/v1/members/${code}/usage`,
            )
          )
            .filter((usage) => usage.deliveryId === delivery.id)
            .reduce((sum, usage) => sum + usage.personCount, 0);
        const byMember = await Promise.all(
          MEMBER_CODES.map(async (code) => [code, await used(code)] as const),
        );
        summary.deniedMemberUsage = byMember
          .map(([code, persons]) => `${code} ${persons}`)
          .join(', ');
        const denied = byMember.find(([code]) => code === DENYING_MEMBER)?.[1];
        if (denied !== 0)
          throw new Error(
            `${DENYING_MEMBER} supplied ${denied} persons despite denying ${CLIENT.sector}`,
          );
      },
    );

    await step('compliance verifies the audit chain (GET /v1/audit/verify)', async () => {
      const complianceToken = (
        (await cli(['token', 'create', '--role', 'compliance', '--name', 'demo compliance'])) as {
          token: string;
        }
      ).token;
      const verification = await api<{ ok: boolean; eventCount: number; firstBadSeq?: number }>(
        complianceToken,
        'GET',
        '/v1/audit/verify',
      );
      if (!verification.ok)
        throw new Error(`the audit chain is broken at seq ${verification.firstBadSeq}`);
      summary.auditEvents = verification.eventCount;
      // The client's SFTP download is on record as a delivery download (rule 8).
      const downloads = await api<{ events: { objectId: string | null }[] }>(
        complianceToken,
        'GET',
        '/v1/audit?action=delivery.downloaded',
      );
      if (!downloads.events.some((event) => event.objectId === delivery.id))
        throw new Error('the SFTP download of the delivery is not in the audit chain');
    });
    return summary;
  } catch (error) {
    const tail = serve ? (serve as TServe).output().slice(-3000) : '';
    throw Object.assign(error as Error, { serveOutputTail: tail, summary });
  } finally {
    if (serve) await stopProcess((serve as TServe).child);
    (gpg as GpgHome | null)?.close();
    (sshKeys as SshKeyDir | null)?.close();
  }
}

/** Polls the client's deliveries until the selection's is written; a failed one throws its code. */
async function waitForDelivery(
  list: () => Promise<TDelivery[]>,
  selectionId: string,
  timeoutMs = 60_000,
): Promise<TDelivery> {
  const deadline = Date.now() + timeoutMs;
  let status = 'not created';
  while (Date.now() < deadline) {
    const delivery = (await list()).find((candidate) => candidate.selectionId === selectionId);
    if (delivery?.status === 'written') return delivery;
    if (delivery?.status === 'failed')
      throw new Error(`the delivery failed: ${delivery.errorCode}`);
    status = delivery?.status ?? status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the delivery is still ${status} after ${timeoutMs / 1000} s`);
}

/**
 * Emails of `count` live M01 customers, read from M01's generated (canonical UTF-8)
 * file: the ground truth tells which records are past retention.
 */
function pickRepoussoirEmails(manifest: TGeneratedManifest, count: number): string[] {
  const m01 = manifest.members.find((generated) => generated.code === 'M01');
  if (!m01) throw new Error('M01 was not generated');
  const expired = new Set(
    (parse(readFileSync(manifest.truthFile, 'utf8'), { columns: true }) as Record<string, string>[])
      .filter((row) => row.expired === '1' || row.tags?.includes('bad_row'))
      .map((row) => `${row.member_code}:${row.customer_id}`),
  );
  const [header = [], ...rows] = parse(readFileSync(m01.customersFile, 'utf8'), {
    delimiter: m01.dialect.delimiter ?? ',',
    bom: true,
  }) as string[][];
  const idColumn = header.indexOf('customer_id');
  const emailColumn = header.indexOf('email');
  const emails = rows
    .filter((row) => !expired.has(`M01:${row[idColumn]}`) && (row[emailColumn] ?? '').includes('@'))
    .map((row) => row[emailColumn] as string)
    .slice(0, count);
  if (emails.length < count)
    throw new Error(`M01 has fewer than ${count} live customers with an email`);
  return emails;
}

function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
