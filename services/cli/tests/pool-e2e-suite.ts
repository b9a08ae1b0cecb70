// The pool build end to end through the real intake path: generated member files
// with ground truth go in over SFTP (GnuPG-encrypted, signed, in four dialects) to a
// real `alliage serve`; the test then opens the pool itself (serve stopped: one
// process owns it) to judge identities, stable IDs, retention, the repoussoir, and a
// crash (SIGKILL) in the middle of a load.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  cliEnv,
  createTestDataDir,
  gpgEncryptAndSign,
  killProcess,
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
import type { TSector } from '@alliage/domain';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generatePoolData,
  type TGeneratedManifest,
  type TGeneratedMember,
} from '../../../scripts/generate/generate-pool-data.ts';
import {
  computePairwiseQuality,
  readMustNotMerge,
  readTruth,
} from '../../../scripts/generate/pairwise-quality.ts';
import {
  countRows,
  monthsBefore,
  queryRows,
  readMemberCsv,
  readPoolIdentities,
  type TPoolConnection,
  type TPooledIdentity,
  withPool,
  writeMemberCsv,
} from './pool-e2e-helpers.ts';

export type TPoolE2eBackend = 'embedded' | 'postgres+redis';

const SECTORS: Record<string, TSector> = {
  M01: 'equipement_personne',
  M02: 'equipement_maison',
  M03: 'loisirs_voyages',
  M04: 'presse_edition',
  M05: 'automobile',
};
const POOL_RECORDS = 3000;
/** Large enough that its load still runs 300 ms after it starts (~5 s on a fast 2-core machine); raise it if a machine outruns it. */
const BIG_RECORDS = 30_000;
const BIG_MEMBER = 'M05';

/**
 * The suite on one back-end; each back-end has its own test file, so the two run side
 * by side (it is the longest suite).
 *
 * @example
 * describePoolE2e('embedded');
 */
export function describePoolE2e(backend: TPoolE2eBackend): void {
  const available =
    backend === 'embedded' || Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
  describe.skipIf(!hasGpg || !hasSshKeygen || !available)(
    `pool build through the real intake path (${backend})`,
    () => {
      const today = new Date().toISOString().slice(0, 10);
      let dataDir: string;
      let env: Record<string, string>;
      let gpg: GpgHome;
      let keys: SshKeyDir;
      let privateKeyPath: string;
      let memberFingerprint: string;
      let platformFingerprint: string;
      let operatorToken: string;
      let dropDatabase: (() => Promise<void>) | null = null;
      let manifest: TGeneratedManifest;
      /** A second generated set in M01's dialect: brand-new customers for a delta. */
      let newcomers: TGeneratedManifest;
      /** One member's worth of records, for the load that is killed. */
      let big: TGeneratedManifest;
      let serve: TServe | null = null;
      let lastServe: TServe | null = null;

      // What earlier steps saw in the pool, for the later ones.
      let identitiesAfterIntake = new Map<string, TPooledIdentity>();
      let recordsByMember = new Map<string, number>();
      let transactionsByMember = new Map<string, number>();
      let poolCounts = { records: 0, persons: 0, households: 0 };
      /** M01 customers alone in their person, whose email the delta changes. */
      let changedEmailCustomers: string[] = [];
      /** An M02 customer in the pool with no transaction, re-sent as expired. */
      let prospectCustomer = '';
      /** A pooled M01 customer whose email goes into the repoussoir. */
      let opposedCustomer = { customerId: '', email: '' };

      /** The end of what serve printed: the last stopped (or killed) one, then the running one. */
      const serveTail = () =>
        [
          lastServe ? `--- previous serve ---\n${lastServe.output().slice(-2000)}` : '',
          serve ? `--- running serve ---\n${serve.output().slice(-2000)}` : '',
        ].join('\n');
      const run = async (args: string[]): Promise<string> => {
        const result = await runCli(args, env);
        if (result.code !== 0) {
          throw new Error(
            `alliage ${args.join(' ')} exited ${result.code}: ${result.stderr}\n${serveTail()}`,
          );
        }
        return result.stdout;
      };
      const runningServe = (): TServe => {
        if (!serve) throw new Error('serve is not running (an earlier step failed)');
        return serve;
      };
      const stopServe = async () => {
        if (!serve) return;
        lastServe = serve;
        serve = null;
        await stopProcess(lastServe.child);
      };
      const restartServe = async () => {
        serve = await startServe(env);
      };
      /** Stops serve (one process owns the pool), reads the pool, and starts serve again whatever happens. */
      const inspectPool = async <T>(
        work: (connection: TPoolConnection) => Promise<T>,
      ): Promise<T> => {
        await stopServe();
        try {
          return await withPool(dataDir, work);
        } finally {
          await restartServe();
        }
      };
      const member = (set: TGeneratedManifest, code: string): TGeneratedMember => {
        const found = set.members.find((candidate) => candidate.code === code);
        if (!found) throw new Error(`the generated set has no member ${code}`);
        return found;
      };
      const encrypt = async (clearFile: string): Promise<string> => {
        const outFile = `${clearFile}.pgp`;
        await gpgEncryptAndSign({
          gpg,
          recipient: platformFingerprint,
          signer: memberFingerprint,
          clearFile,
          outFile,
        });
        return outFile;
      };
      /** Encrypts, uploads and waits for one file; answers its drop. */
      const dropFile = async (memberCode: string, clearFile: string, remoteName: string) => {
        const localFile = await encrypt(clearFile);
        await uploadToInbox({
          serve: runningServe(),
          memberCode,
          privateKeyPath,
          files: [{ localFile, remoteName }],
        });
        const drops = await waitForDrops({
          serve: runningServe(),
          token: operatorToken,
          fileNames: [remoteName],
        });
        return drops.get(remoteName);
      };

      beforeAll(async () => {
        // Embedded: a copy of the run's test platform; PostgreSQL: an empty directory (the
        // copy's secrets are PGlite's control plane's).
        dataDir =
          backend === 'embedded'
            ? await createTestDataDir('alliage-pool-e2e-')
            : await mkdtemp(path.join(os.tmpdir(), 'alliage-pool-e2e-'));
        env = cliEnv({
          ALLIAGE_DATA_DIR: dataDir,
          ALLIAGE_HTTP_PORT: '0',
          ALLIAGE_POOL_MEMORY_LIMIT: '1GB',
          // BullMQ takes the killed serve's job over after this, not the default 30 s.
          ALLIAGE_QUEUE_STALLED_SECONDS: '10',
        });
        if (backend === 'postgres+redis') {
          dropDatabase = await useRealBackends(env, 'pool_e2e');
        }
        gpg = createGpgHome();
        keys = createSshKeyDir();
        privateKeyPath = keys.generateKey({ type: 'ed25519' }).privateKeyPath;
        // One GnuPG key signs for every member: each registers its public half.
        memberFingerprint = gpg.generateKey({
          algorithm: 'ed25519',
          usage: 'sign',
          encryptionSubkey: 'cv25519',
        });
        const memberPgpKey = gpg.exportPublicKey(memberFingerprint);

        [manifest, newcomers, big] = await Promise.all([
          generatePoolData({
            outDir: path.join(dataDir, 'generated', 'pool'),
            records: POOL_RECORDS,
            members: 4,
            seed: 2026,
            asOf: today,
          }),
          generatePoolData({
            outDir: path.join(dataDir, 'generated', 'newcomers'),
            records: 80,
            members: 1,
            seed: 7,
            asOf: today,
          }),
          generatePoolData({
            outDir: path.join(dataDir, 'generated', 'big'),
            records: BIG_RECORDS,
            members: 1,
            seed: 5,
            asOf: today,
          }),
        ]);

        // Registered while serve runs, so members go in parallel.
        serve = await startServe(env);
        // Through serve's HTTP API with the client the CLI itself uses: the commands
        // (tested in cli-embedded and register-cli) would cost 20 processes here.
        const operator = await operatorOverHttp(serve, env, 'pool e2e');
        operatorToken = operator.token;
        const platformKey = JSON.parse(await run(['platform', 'pgp-key', '--json']));
        gpg.run(['--import'], platformKey.armoredPublicKey);
        platformFingerprint = platformKey.fingerprint;

        const dialects = new Map([
          ...manifest.members.map((generated) => [generated.code, generated.dialect] as const),
          [BIG_MEMBER, member(big, 'M01').dialect] as const,
        ]);
        await Promise.all(
          [...dialects].map(async ([code, dialect]) => {
            await registerMemberOverHttp(operator.admin, {
              code,
              sector: SECTORS[code] as TSector,
              sshPublicKeyFile: `${privateKeyPath}.pub`,
              pgpPublicKey: memberPgpKey,
            });
            await operator.admin.setDialect(code, dialect);
          }),
        );
      });

      afterAll(async () => {
        if (serve) await stopProcess(serve.child);
        gpg?.close();
        keys?.close();
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
        await dropDatabase?.();
      });

      it('accepts every member file, customers then transactions, each in its dialect', async () => {
        const names = (generated: TGeneratedMember) => ({
          customers: `${generated.code}_customers_${today}.csv.pgp`,
          transactions: `${generated.code}_transactions_${today}.csv.pgp`,
        });
        await Promise.all(
          manifest.members.map(async (generated) => {
            const [customers, transactions] = await Promise.all([
              encrypt(generated.customersFile),
              encrypt(generated.transactionsFile),
            ]);
            await uploadToInbox({
              serve: runningServe(),
              memberCode: generated.code,
              privateKeyPath,
              files: [
                { localFile: customers, remoteName: names(generated).customers },
                { localFile: transactions, remoteName: names(generated).transactions },
              ],
            });
          }),
        );
        const drops = await waitForDrops({
          serve: runningServe(),
          token: operatorToken,
          fileNames: manifest.members.flatMap((generated) => Object.values(names(generated))),
        });
        const seen = Object.fromEntries(
          [...drops].map(([name, drop]) => [name, `${drop.status} ${drop.rowCount}`]),
        );
        const expected = Object.fromEntries(
          manifest.members.flatMap((generated) => [
            [names(generated).customers, `accepted ${generated.records}`],
            [names(generated).transactions, `accepted ${generated.transactions}`],
          ]),
        );
        expect(seen, serveTail()).toEqual(expected);
      });

      it('resolves persons and households close to the truth, never merging the hard cases', async () => {
        const truth = await readTruth(manifest.truthFile);
        const mustNotMerge = await readMustNotMerge(manifest.mustNotMergeFile);
        const transactionless = await inspectPool(async (connection) => {
          identitiesAfterIntake = await readPoolIdentities(connection);
          poolCounts = {
            records: await countRows(connection, 'SELECT count(*) FROM member_records'),
            persons: await countRows(connection, 'SELECT count(*) FROM persons'),
            households: await countRows(connection, 'SELECT count(*) FROM households'),
          };
          recordsByMember = new Map(
            (
              await queryRows(
                connection,
                'SELECT member_code, count(*) FROM member_records GROUP BY member_code',
              )
            ).map(([code, count]) => [String(code), Number(count)]),
          );
          transactionsByMember = new Map(
            (
              await queryRows(
                connection,
                'SELECT member_code, count(*) FROM transactions GROUP BY member_code',
              )
            ).map(([code, count]) => [String(code), Number(count)]),
          );
          // Candidates for the later steps, chosen on what the pool holds.
          changedEmailCustomers = (
            await queryRows(
              connection,
              `SELECT r.customer_id FROM member_records r
             WHERE r.member_code = 'M01'
               AND (SELECT count(*) FROM member_records o WHERE o.person_id = r.person_id) = 1
             ORDER BY r.customer_id LIMIT 5`,
            )
          ).map(([customerId]) => String(customerId));
          const [opposed] = await queryRows(
            connection,
            `SELECT customer_id, email FROM member_records
           WHERE member_code = 'M01' AND email IS NOT NULL AND customer_id NOT IN (${changedEmailCustomers.map((id) => `'${id}'`).join(', ')})
           ORDER BY customer_id DESC LIMIT 1`,
          );
          opposedCustomer = { customerId: String(opposed?.[0]), email: String(opposed?.[1]) };
          return (
            await queryRows(
              connection,
              `SELECT r.customer_id FROM member_records r
             WHERE r.member_code = 'M02' AND NOT EXISTS (SELECT 1 FROM transactions t
               WHERE t.member_code = r.member_code AND t.customer_id = r.customer_id)
             ORDER BY r.customer_id`,
            )
          ).map(([customerId]) => String(customerId));
        });
        const failure = `pool of ${poolCounts.records} records; serve said:\n${serveTail()}`;
        prospectCustomer = transactionless[0] ?? '';
        expect(changedEmailCustomers, failure).toHaveLength(5);
        expect(prospectCustomer, failure).not.toBe('');
        expect(opposedCustomer.email, failure).toContain('@');

        const records = [...identitiesAfterIntake];
        expect(records.filter(([, identity]) => identity.personId === null)).toEqual([]);
        expect(records.filter(([recordKey]) => !truth.persons.has(recordKey))).toEqual([]);
        expect(records.filter(([recordKey]) => truth.expired.has(recordKey))).toEqual([]);
        // Every live record is pooled but for the few bad rows the files carry on purpose.
        const live = [...truth.persons.keys()].filter((recordKey) => !truth.expired.has(recordKey));
        const pooledLive = live.filter((recordKey) => identitiesAfterIntake.has(recordKey));
        expect
          .soft(pooledLive.length / live.length, `share of live records pooled; ${failure}`)
          .toBeGreaterThan(0.97);

        const persons = new Map(
          records.map(([recordKey, identity]) => [recordKey, String(identity.personId)]),
        );
        const households = new Map(
          records.map(([recordKey, identity]) => [
            recordKey,
            // A person without a dwelling is a household of one.
            identity.householdId === null
              ? `solo-${identity.personId}`
              : String(identity.householdId),
          ]),
        );
        const personQuality = computePairwiseQuality(truth.persons, persons);
        const householdQuality = computePairwiseQuality(truth.households, households);
        expect(personQuality.truePairs, 'the truth has records to pair').toBeGreaterThan(100);
        expect(personQuality.f1, JSON.stringify(personQuality)).toBeGreaterThanOrEqual(0.95);
        expect(householdQuality.f1, JSON.stringify(householdQuality)).toBeGreaterThanOrEqual(0.9);

        const judged = mustNotMerge.filter(
          (pair) => persons.has(pair.recordKeyA) && persons.has(pair.recordKeyB),
        );
        expect(judged.length, 'hard cases with both records pooled').toBeGreaterThan(0);
        const merged = judged.filter(
          (pair) => persons.get(pair.recordKeyA) === persons.get(pair.recordKeyB),
        );
        expect(merged).toEqual([]);
      });

      it('reports the same pool through pool stats and export-identities', async () => {
        const stats = JSON.parse(await run(['pool', 'stats', '--json']));
        expect(stats).toMatchObject(poolCounts);
        expect(
          [
            ...(stats.recordsByMember as {
              memberCode: string;
              records: number;
              transactions: number;
            }[]),
          ]
            .filter((entry) => entry.records > 0 || entry.transactions > 0)
            .map(({ memberCode, records, transactions }) => ({ memberCode, records, transactions }))
            .sort((a, b) => a.memberCode.localeCompare(b.memberCode)),
        ).toEqual(
          manifest.members.map((generated) => ({
            memberCode: generated.code,
            records: recordsByMember.get(generated.code),
            transactions: transactionsByMember.get(generated.code),
          })),
        );

        const exportFile = path.join(dataDir, 'identities.csv');
        // An earlier file others may read: replaced by one only its owner reads.
        writeFileSync(exportFile, 'older export\n', { mode: 0o644 });
        await run(['pool', 'export-identities', '--out', exportFile]);
        expect(statSync(exportFile).mode & 0o777).toBe(0o600);
        const exported = parse(readFileSync(exportFile, 'utf8'), { columns: true }) as Record<
          string,
          string
        >[];
        expect(Object.keys(exported[0] ?? {})).toEqual([
          'member_code',
          'customer_id',
          'person_id',
          'household_id',
        ]);
        expect(
          new Map(
            exported.map((row) => [
              `${row.member_code}:${row.customer_id}`,
              `${row.person_id}/${row.household_id || '-'}`,
            ]),
          ),
        ).toEqual(
          new Map(
            [...identitiesAfterIntake].map(([recordKey, identity]) => [
              recordKey,
              `${identity.personId}/${identity.householdId ?? '-'}`,
            ]),
          ),
        );
      });

      it('keeps person and household IDs stable through a delta of new and changed customers', async () => {
        const m01 = member(manifest, 'M01');
        const delimiter = m01.dialect.delimiter ?? ',';
        const base = readMemberCsv(m01.customersFile, delimiter);
        const column = (name: string) => {
          const index = base.header.indexOf(name);
          if (index < 0) throw new Error(`M01's header has no ${name}`);
          return index;
        };
        // Twenty brand-new customers, recently collected (no transaction comes with them).
        const newcomerTruth = parse(readFileSync(newcomers.truthFile, 'utf8'), {
          columns: true,
        }) as Record<string, string>[];
        const usable = new Set(
          newcomerTruth
            .filter((row) => row.expired === '0' && !row.tags?.includes('bad_row'))
            .map((row) => row.customer_id),
        );
        const newRows = readMemberCsv(member(newcomers, 'M01').customersFile, delimiter)
          .rows.filter((row) => usable.has(row[column('customer_id')] as string))
          .slice(0, 20)
          .map((row) => {
            const copy = [...row];
            copy[column('customer_id')] = `N${row[column('customer_id')]}`;
            copy[column('created_at')] = monthsBefore(today, 2);
            return copy;
          });
        const changedRows = base.rows
          .filter((row) => changedEmailCustomers.includes(row[column('customer_id')] as string))
          .map((row) => {
            const copy = [...row];
            copy[column('email')] =
              `changed.${(row[column('customer_id')] as string).toLowerCase()}@exemple.fr`;
            return copy;
          });
        expect(newRows).toHaveLength(20);
        expect(changedRows).toHaveLength(5);
        const deltaFile = path.join(dataDir, 'M01-delta.csv');
        writeMemberCsv(deltaFile, {
          header: base.header,
          rows: [...newRows, ...changedRows],
          delimiter,
        });
        const drop = await dropFile('M01', deltaFile, `M01_customers-delta_${today}.csv.pgp`);
        expect({ status: drop?.status, rowCount: drop?.rowCount }, serveTail()).toEqual({
          status: 'accepted',
          rowCount: 25,
        });

        const { after, changedEmails } = await inspectPool(async (connection) => ({
          after: await readPoolIdentities(connection),
          changedEmails: (
            await queryRows(
              connection,
              `SELECT email FROM member_records WHERE member_code = 'M01' AND customer_id IN (${changedEmailCustomers.map((id) => `'${id}'`).join(', ')}) ORDER BY customer_id`,
            )
          ).map(([email]) => String(email)),
        }));
        const failure = `serve said:\n${serveTail()}`;
        expect(changedEmails, failure).toEqual(
          [...changedEmailCustomers].sort().map((id) => `changed.${id.toLowerCase()}@exemple.fr`),
        );
        const newKeys = newRows.map((row) => `M01:${row[column('customer_id')]}`);
        expect(
          newKeys.filter((recordKey) => typeof after.get(recordKey)?.personId !== 'number'),
          failure,
        ).toEqual([]);

        // An ID may only stay, or give way to an OLDER (smaller) one it was merged into.
        const moved: string[] = [];
        let unchangedPersons = 0;
        for (const [recordKey, before] of identitiesAfterIntake) {
          const now = after.get(recordKey);
          if (!now) {
            moved.push(`${recordKey} left the pool`);
            continue;
          }
          if (now.personId === null || now.personId > (before.personId as number))
            moved.push(`${recordKey} person ${before.personId} -> ${now.personId}`);
          if (now.personId === before.personId) unchangedPersons += 1;
          if (
            before.householdId !== null &&
            (now.householdId === null || now.householdId > before.householdId)
          )
            moved.push(`${recordKey} household ${before.householdId} -> ${now.householdId}`);
        }
        expect(moved, failure).toEqual([]);
        expect(unchangedPersons / identitiesAfterIntake.size).toBeGreaterThan(0.99);
        // New persons get IDs after every existing one.
        const knownPersons = new Set(
          [...identitiesAfterIntake.values()].map((identity) => identity.personId as number),
        );
        const youngest = Math.max(...knownPersons);
        const newPersons = newKeys
          .map((recordKey) => after.get(recordKey)?.personId as number)
          .filter((personId) => !knownPersons.has(personId));
        expect(newPersons.filter((personId) => personId <= youngest)).toEqual([]);
      });

      it('drops a re-sent customer already past retention, and a new one, while accepting the file', async () => {
        const m02 = member(manifest, 'M02');
        const delimiter = m02.dialect.delimiter ?? ';';
        const base = readMemberCsv(m02.customersFile, delimiter);
        const idColumn = base.header.indexOf('customer_id');
        const createdColumn = base.header.indexOf('created_at');
        expect(Math.min(idColumn, createdColumn), 'M02 writes canonical headers').toBeGreaterThan(
          -1,
        );
        const prospect = base.rows.find((row) => row[idColumn] === prospectCustomer);
        const other = base.rows.find((row) => row[idColumn] !== prospectCustomer);
        if (!prospect || !other) throw new Error('M02 rows to re-send were not found');
        const longAgo = monthsBefore(today, 40);
        const resent = [...prospect];
        resent[createdColumn] = longAgo;
        const newcomer = [...other];
        newcomer[idColumn] = 'X900001';
        newcomer[createdColumn] = longAgo;
        const rows = [resent, newcomer];
        const deltaFile = path.join(dataDir, 'M02-expired.csv');
        writeMemberCsv(deltaFile, { header: base.header, rows, delimiter });
        const fileName = `M02_customers-delta_expired_${today}.csv.pgp`;
        const drop = await dropFile('M02', deltaFile, fileName);
        expect(drop?.status, serveTail()).toBe('accepted');
        const report = await readSftpReport({
          serve: runningServe(),
          memberCode: 'M02',
          privateKeyPath,
          fileName,
        });
        expect(report).toMatchObject({ status: 'accepted', rows: { total: 2, rejected: 0 } });

        const { present, m02Records } = await inspectPool(async (connection) => ({
          present: (
            await queryRows(
              connection,
              `SELECT customer_id FROM member_records WHERE member_code = 'M02' AND customer_id IN ($1, 'X900001')`,
              [prospectCustomer],
            )
          ).map(([customerId]) => String(customerId)),
          m02Records: await countRows(
            connection,
            `SELECT count(*) FROM member_records WHERE member_code = 'M02'`,
          ),
        }));
        expect(present, serveTail()).toEqual([]);
        // Only the re-sent customer left: a delta removes nobody else.
        expect(m02Records).toBe((recordsByMember.get('M02') as number) - 1);
      });

      it('marks the person of a repoussoir email at the pool build, and keeps it marked', async () => {
        const personOf = async () =>
          inspectPool(async (connection) => {
            const [row] = await queryRows(
              connection,
              `SELECT person_id FROM member_records WHERE member_code = 'M01' AND customer_id = $1`,
              [opposedCustomer.customerId],
            );
            const personId = Number(row?.[0]);
            return {
              personId,
              scopes: (
                await queryRows(
                  connection,
                  'SELECT scope FROM person_oppositions WHERE person_id = $1 ORDER BY scope',
                  [personId],
                )
              ).map(([scope]) => String(scope)),
              opposedPersons: await countRows(
                connection,
                'SELECT count(DISTINCT person_id) FROM person_oppositions',
              ),
            };
          });

        // Written as a person would type it: upper case, spaces around.
        await run([
          'repoussoir',
          'add',
          '--kind',
          'email',
          '--value',
          `  ${opposedCustomer.email.toUpperCase()}  `,
        ]);
        await run(['pool', 'build', '--json']);
        const marked = await personOf();
        expect(marked.scopes, serveTail()).toContain('all');
        // One email: its person, or the few sharing it (a couple), never the whole pool.
        expect(marked.opposedPersons).toBeGreaterThanOrEqual(1);
        expect(marked.opposedPersons).toBeLessThanOrEqual(3);

        const m01 = member(manifest, 'M01');
        const delimiter = m01.dialect.delimiter ?? ',';
        const base = readMemberCsv(m01.customersFile, delimiter);
        const idColumn = base.header.indexOf('customer_id');
        const resendFile = path.join(dataDir, 'M01-resend.csv');
        writeMemberCsv(resendFile, {
          header: base.header,
          rows: base.rows.filter((row) => row[idColumn] === opposedCustomer.customerId),
          delimiter,
        });
        const drop = await dropFile(
          'M01',
          resendFile,
          `M01_customers-delta_resend_${today}.csv.pgp`,
        );
        expect({ status: drop?.status, rowCount: drop?.rowCount }, serveTail()).toEqual({
          status: 'accepted',
          rowCount: 1,
        });
        await run(['pool', 'build', '--json']);
        const still = await personOf();
        expect(still.personId).toBe(marked.personId);
        expect(still.scopes, serveTail()).toContain('all');
      });

      it('leaves the pool untouched when serve is killed mid-load, and loads the drop once after restart', async () => {
        const poolTotals = async (connection: TPoolConnection) => ({
          records: await countRows(connection, 'SELECT count(*) FROM member_records'),
          persons: await countRows(connection, 'SELECT count(*) FROM persons'),
          big: await countRows(
            connection,
            'SELECT count(*) FROM member_records WHERE member_code = $1',
            [BIG_MEMBER],
          ),
        });
        const before = await inspectPool(poolTotals);
        expect(before.big).toBe(0);

        const fileName = `${BIG_MEMBER}_customers_${today}.csv.pgp`;
        const localFile = await encrypt(member(big, 'M01').customersFile);
        await uploadToInbox({
          serve: runningServe(),
          memberCode: BIG_MEMBER,
          privateKeyPath,
          files: [{ localFile, remoteName: fileName }],
        });
        const started = await waitForDrops({
          serve: runningServe(),
          token: operatorToken,
          fileNames: [fileName],
          isDone: (drop) => drop.status !== 'received',
        });
        const drop = started.get(fileName);
        expect(
          drop?.status,
          'the load finished before it could be killed: make the file bigger',
        ).toBe('processing');
        await new Promise((resolve) => setTimeout(resolve, 300));
        const killed = runningServe();
        await killProcess(killed.child);
        lastServe = killed;
        serve = null;

        // Read with the killed serve gone; the restart re-queues the unfinished drop.
        let afterKill: Awaited<ReturnType<typeof poolTotals>>;
        try {
          afterKill = await withPool(dataDir, poolTotals);
        } finally {
          await restartServe();
        }
        expect(afterKill, serveTail()).toEqual(before);

        const finished = await waitForDrops({
          serve: runningServe(),
          token: operatorToken,
          fileNames: [fileName],
          timeoutMs: 150_000,
        });
        expect(finished.get(fileName)?.status, serveTail()).toBe('accepted');
        const afterRestart = await inspectPool(async (connection) => ({
          ...(await poolTotals(connection)),
          summaries: (
            await queryRows(
              connection,
              'SELECT summary FROM loaded_drops WHERE file_drop_id = $1',
              [drop?.id as string],
            )
          ).map(([summary]) => JSON.parse(String(summary)) as { inserted: number }),
        }));
        expect(afterRestart.summaries, 'the drop is loaded exactly once').toHaveLength(1);
        expect(afterRestart.big, serveTail()).toBeGreaterThan(0);
        expect(afterRestart.big).toBe(afterRestart.summaries[0]?.inserted);
        // Nobody else's records moved.
        expect(afterRestart.records - afterRestart.big).toBe(before.records);
      });

      it('keeps the audit chain verifiable through it all', async () => {
        const verify = await runCli(['audit', 'verify', '--json'], env);
        expect(verify.code, `${verify.stderr}\n${serveTail()}`).toBe(0);
      });
    },
  );
}
