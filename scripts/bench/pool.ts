// Benchmark of the pool build: `npx node scripts/bench/pool.ts [--records N] [--incremental N] [--repoussoir N] [--memory-limit 2GB] [--checkpoint-threshold 256MB] [--keep-pool FILE]`
// (the two DuckDB settings default to the platform's own).
// Generates synthetic member files with ground truth (scripts/generate), encrypts and
// signs them with gpg, then measures in one process:
//   - the floor: `gpg --decrypt` of each file plus DuckDB's own read_csv of the clear file;
//   - intake: decrypt + parse + validate + normalise + load, through the real loader;
//   - a full identity build of the pool, an incremental drop into it, and one member's
//     files re-sent unchanged (what a monthly full base costs when little changed);
//   - quality: pairwise precision / recall / F1 of persons and households against the
//     truth, and the hard cases (twins, father/son, namesakes, couples) wrongly merged;
//   - peak RSS of this process (DuckDB runs in it).
// A repoussoir of national size is in force throughout (--repoussoir, default 1,000,000
// keyed hashes): random ones from the start, and from the full build on also the hashes of
// ~2% of the pool's records, so the marks cost what they cost in production.
// Figures are printed, never asserted: speed is judged here, not in tests.
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { POOL_DEFAULTS } from '@alliage/config';
import { decryptVerifiedStream } from '@alliage/crypto';
import { createGpgHome, type GpgHome } from '@alliage/crypto/testing';
import { ZDialectProfile } from '@alliage/domain';
import { buildPool, loadMemberDrop, openWarehouse, type TWarehouse } from '@alliage/warehouse';
import { DuckDBInstance } from '@duckdb/node-api';
import type { TGeneratedManifest, TGeneratedMember } from '../generate/generate-pool-data.ts';
import type { TPairwiseQuality } from '../generate/pairwise-quality.ts';
import { syntheticRepoussoirFeed } from './synthetic-repoussoir-feed.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    incremental: { type: 'string', default: '50000' },
    /** Entries of the repoussoir in force (keyed hashes). */
    repoussoir: { type: 'string', default: '1000000' },
    'as-of': { type: 'string', default: '2026-11-23' },
    'memory-limit': { type: 'string', default: POOL_DEFAULTS.memoryLimit },
    'checkpoint-threshold': { type: 'string', default: POOL_DEFAULTS.checkpointThreshold },
    /** Keep the built pool at this path (for scripts/bench/selection.ts). */
    'keep-pool': { type: 'string' },
  },
});
const records = Number(values.records);
const incremental = Number(values.incremental);
const repoussoirSize = Number(values.repoussoir);
const asOf = values['as-of'] as string;
const now = new Date(`${asOf}T12:00:00Z`);

const work = await mkdtemp(path.join(tmpdir(), 'alliage-pool-bench-'));
const home = createGpgHome();
let warehouse: TWarehouse | null = null;
try {
  console.log(
    `pool benchmark: ${records} member records, ${incremental}-record incremental drop; node ${process.version}, ` +
      `${execFileSync('gpg', ['--version']).toString().split('\n')[0]}, ${availableParallelism()} CPUs, load ${loadavg()[0]?.toFixed(2)}; repoussoir of ${repoussoirSize} entries\n`,
  );
  let started = performance.now();
  // Generated in child processes, so the peak RSS below is the pool's own.
  const manifest = generateInChild({ outDir: path.join(work, 'pool'), records, seed: 42, asOf });
  const delta = generateInChild({
    outDir: path.join(work, 'delta'),
    records: incremental,
    members: 1,
    seed: 7,
    asOf,
  });
  console.log(`generated in ${seconds(performance.now() - started)} s`);

  const platform = home.generateKey({
    algorithm: 'ed25519',
    usage: 'cert',
    encryptionSubkey: 'cv25519',
  });
  const member = home.generateKey({ algorithm: 'ed25519', usage: 'sign' });
  const armoredPrivateKey = home.run(['--armor', '--export-secret-keys', platform]).toString();
  const memberPublicKey = home.exportPublicKey(member);
  started = performance.now();
  const files = [...manifest.members, ...delta.members].flatMap((generated) => [
    generated.customersFile,
    generated.transactionsFile,
  ]);
  for (const file of files) encryptFile(home, file, platform, member);
  console.log(`encrypted ${files.length} files in ${seconds(performance.now() - started)} s\n`);

  // Floor: gpg alone, then DuckDB's own reader on the clear file. For reference (not the
  // issue's floor), DuckDB's own reader also loads each clear file into a table of a
  // database file: what storing the raw rows costs before any validation or normalising.
  const floor = { gpgMs: 0, readCsvMs: 0, storeMs: 0 };
  /** The floor (gpg + counting read_csv) and the intake per file kind, to see which one the ratio comes from. */
  const byKind = {
    customers: { floorMs: 0, intakeMs: 0 },
    transactions: { floorMs: 0, intakeMs: 0 },
  };
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const storeInstance = await DuckDBInstance.create(path.join(work, 'floor-store.duckdb'), {
    memory_limit: values['memory-limit'] as string,
  });
  const store = await storeInstance.connect();
  for (const generated of manifest.members) {
    for (const [kind, file] of [
      ['customers', generated.customersFile],
      ['transactions', generated.transactionsFile],
    ] as const) {
      const gpgMs = await timeGpgDecrypt(home, `${file}.gpg`);
      floor.gpgMs += gpgMs;
      const dialect = ZDialectProfile.parse(generated.dialect);
      // DuckDB reads no Windows-1252: its floor is measured on a UTF-8 copy (made untimed).
      let clear = file;
      if (dialect.encoding === 'windows-1252') {
        clear = `${file}.utf8`;
        await writeFile(clear, new TextDecoder('windows-1252').decode(await readFile(file)));
      }
      const reader = `read_csv('${clear}', header = true, all_varchar = true, delim = '${dialect.delimiter}', quote = '"')`;
      let t = performance.now();
      await duck.run(`SELECT count(*) FROM ${reader}`);
      const readMs = performance.now() - t;
      floor.readCsvMs += readMs;
      byKind[kind].floorMs += gpgMs + readMs;
      t = performance.now();
      await store.run(`CREATE OR REPLACE TABLE raw_rows AS SELECT * FROM ${reader}`);
      floor.storeMs += performance.now() - t;
    }
  }
  duck.closeSync();
  store.closeSync();
  storeInstance.closeSync();
  await rm(path.join(work, 'floor-store.duckdb'), { force: true });

  warehouse = await openWarehouse({
    databasePath: path.join(work, 'pool.duckdb'),
    encryptionKey: 'bench-only-pool-key-0123456789abcdef',
    memoryLimit: values['memory-limit'] as string,
    checkpointThreshold: values['checkpoint-threshold'] as string,
  });
  const sectorList = [
    'equipement_personne',
    'equipement_maison',
    'loisirs_voyages',
    'presse_edition',
  ];
  const sectors = new Map(
    [...manifest.members.map((generated) => generated.code), 'M99'].map((code, index) => [
      code,
      sectorList[index % sectorList.length] as string,
    ]),
  );
  // The repoussoir: keyed hashes that match no one (the joins cost the same).
  const repoussoir = syntheticRepoussoirFeed({ epoch: 'bench', generated: repoussoirSize });
  const intake = { stageMs: 0, normalizeMs: 0, mergeMs: 0, refreshMs: 0, rows: 0 };
  /** `intake` counts in the intake figures; `delta` loads the customers file as a delta. */
  const load = async (
    generated: TGeneratedMember,
    memberCode: string,
    mode: 'intake' | 'delta' | 'resend' = 'intake',
  ) => {
    const delta = mode === 'delta';
    const totals = { rows: 0, refreshMs: 0, totalMs: 0, steps: [] as string[] };
    for (const [kind, file] of [
      ['customers', generated.customersFile],
      ['transactions', generated.transactionsFile],
    ] as const) {
      const t = performance.now();
      const { plaintext, verified } = decryptVerifiedStream({
        input: createReadStream(`${file}.gpg`),
        decryptionKeys: [{ armoredPrivateKey }],
        signerPublicKeys: [memberPublicKey],
        maxPlaintextBytes: 16 * 2 ** 30,
      });
      const result = await loadMemberDrop({
        warehouse: warehouse as TWarehouse,
        fileDropId: crypto.randomUUID(),
        memberCode,
        kind,
        delta: delta && kind === 'customers',
        dialect: ZDialectProfile.parse(generated.dialect),
        plaintext,
        verified,
        maxRejectedRowRatio: 0.05,
        retentionMonths: 36,
        memberSectors: sectors,
        repoussoir,
        hmacSecret: 'bench-only-hmac-secret-0123456789abcdef',
        now,
        receivedAt: now,
      });
      if (result.outcome !== 'loaded' || !result.timings) {
        throw new Error(
          `${memberCode} ${kind}: ${result.outcome} ${'detail' in result ? result.detail : ''}`,
        );
      }
      totals.rows += result.rows.total;
      totals.refreshMs += result.timings.refreshMs;
      totals.totalMs += performance.now() - t;
      const { stageMs, normalizeMs, mergeMs, refreshMs } = result.timings;
      totals.steps.push(
        `${kind} ${[stageMs, normalizeMs, mergeMs, refreshMs].map(seconds).join(' / ')}`,
      );
      if (mode === 'intake') {
        intake.stageMs += result.timings.stageMs;
        intake.normalizeMs += result.timings.normalizeMs;
        intake.mergeMs += result.timings.mergeMs;
        intake.refreshMs += result.timings.refreshMs;
        byKind[kind].intakeMs += stageMs + normalizeMs + mergeMs;
        intake.rows += result.rows.total;
      }
    }
    return totals;
  };
  // Peak RSS is monotonic: read after each phase, it shows which phase set it. The
  // JavaScript heap's share of it is sampled (DuckDB's own memory is native).
  let heapPeak = process.memoryUsage().heapUsed;
  const heapSampler = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 100);
  heapSampler.unref();
  const phases: { name: string; rss: number; heap: number }[] = [];
  const endPhase = (name: string) => {
    phases.push({ name, rss: process.resourceUsage().maxRSS * 1024, heap: heapPeak });
    heapPeak = 0;
  };
  const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(2);
  const perPhase = (key: 'rss' | 'heap') =>
    phases.map((phase) => `${phase.name} ${gib(phase[key])}`).join(', ');
  endPhase('floor');
  for (const generated of manifest.members) await load(generated, generated.code);
  endPhase('intake');
  // From the build on, entries matching ~2% of the records too: a later version the
  // build's mirror reads incrementally, as after an import into the control plane.
  repoussoir.add(await sampleContactHashes(warehouse, Math.round(customerCount(manifest) * 0.02)));
  const retention = new Map(manifest.members.map((generated) => [generated.code, 36]));
  const build = await buildPool({
    warehouse,
    retentionMonthsByMember: retention,
    memberSectors: sectors,
    repoussoir,
    suppressions: { hmacSecret: 'bench-only-hmac-secret-0123456789abcdef', members: [] },
    full: true,
    now,
  });

  // Quality of the full build against the truth.
  const quality = await measureQuality(warehouse, manifest.truthFile, manifest.mustNotMergeFile);

  endPhase('build and quality');
  const increment = await load(delta.members[0] as TGeneratedMember, 'M99', 'delta');
  endPhase('drop');
  // A member's monthly full base and transactions, re-sent unchanged: only what changed is
  // refreshed (docs/pool.md, Segments).
  const resentMember = manifest.members[0] as TGeneratedMember;
  const resend = await load(resentMember, resentMember.code, 'resend');
  endPhase('re-send');
  clearInterval(heapSampler);

  const floorMs = floor.gpgMs + floor.readCsvMs;
  const intakeMs = intake.stageMs + intake.normalizeMs + intake.mergeMs;
  const customerRecords = customerCount(manifest);
  const rows: [string, string, string][] = [
    [
      'floor: gpg --decrypt + DuckDB read_csv',
      `${seconds(floorMs)} s`,
      `gpg ${seconds(floor.gpgMs)} s + read_csv ${seconds(floor.readCsvMs)} s`,
    ],
    [
      '  reference: gpg + read_csv stored in a file',
      `${seconds(floor.gpgMs + floor.storeMs)} s`,
      `not the target's floor: read_csv into a table of a DuckDB file ${seconds(floor.storeMs)} s (no validation, no normalising); intake ${(intakeMs / (floor.gpgMs + floor.storeMs)).toFixed(2)}× it`,
    ],
    [
      'intake (decrypt+parse+validate+normalise+load)',
      `${seconds(intakeMs)} s`,
      `${Math.round((customerRecords / intakeMs) * 1000)} member records/s, ${Math.round((intake.rows / intakeMs) * 1000)} rows/s; ${(intakeMs / floorMs).toFixed(2)}× the floor (target ≤ 4×)`,
    ],
    [
      '  of which stage / normalise / merge',
      '',
      `${seconds(intake.stageMs)} / ${seconds(intake.normalizeMs)} / ${seconds(intake.mergeMs)} s`,
    ],
    [
      '  by file kind',
      '',
      (['customers', 'transactions'] as const)
        .map(
          (kind) =>
            `${kind} ${seconds(byKind[kind].intakeMs)} s (${(byKind[kind].intakeMs / byKind[kind].floorMs).toFixed(2)}× its floor of ${seconds(byKind[kind].floorMs)} s)`,
        )
        .join('; '),
    ],
    [
      'incremental identities after each drop',
      `${seconds(intake.refreshMs)} s`,
      'resolved as each member file landed',
    ],
    [
      'full identity build',
      `${seconds(build.durationMs)} s`,
      `${customerRecords} records (target ≤ 60 s)`,
    ],
    [
      `drop of ${incremental} records into the pool`,
      `${seconds(increment.totalMs)} s`,
      `of which persons+households ${seconds(increment.refreshMs)} s (target ≤ 15 s); repoussoir of ${repoussoir.size()} entries, ${build.opposedPersons ?? 0} persons marked by the build`,
    ],
    ['  stage / normalise / merge / refresh', '', `${increment.steps.join('; ')} s`],
    [
      `${resentMember.code}'s files re-sent unchanged`,
      `${seconds(resend.totalMs)} s`,
      `${resentMember.records} records and ${resentMember.transactions} transactions, full base: ${resend.steps.join('; ')} s (stage / normalise / merge / refresh)`,
    ],
    [
      'peak RSS',
      `${gib(Math.max(...phases.map((phase) => phase.rss)))} GiB`,
      `target ≤ 2 GiB; after each phase: ${perPhase('rss')} GiB`,
    ],
    [
      '  of which JS heap',
      `${gib(Math.max(...phases.map((phase) => phase.heap)))} GiB`,
      `peak per phase: ${perPhase('heap')} GiB`,
    ],
    [
      'person F1',
      quality.persons.f1.toFixed(4),
      `precision ${quality.persons.precision.toFixed(4)}, recall ${quality.persons.recall.toFixed(4)} (target ≥ 0.98)`,
    ],
    [
      'household F1',
      quality.households.f1.toFixed(4),
      `precision ${quality.households.precision.toFixed(4)}, recall ${quality.households.recall.toFixed(4)} (target ≥ 0.97)`,
    ],
    [
      'hard cases merged',
      String(quality.violations.total),
      Object.entries(quality.violations.byCase)
        .map(([name, count]) => `${name} ${count}`)
        .join(', ') || 'none (target 0)',
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value, note] of rows)
    console.log(`${label.padEnd(width)}  ${value.padStart(10)}  ${note}`);
} finally {
  await warehouse?.close();
  if (values['keep-pool']) {
    await mkdir(path.dirname(path.resolve(values['keep-pool'])), { recursive: true });
    await rename(path.join(work, 'pool.duckdb'), values['keep-pool']).catch(async () => {
      // Another file system: copy instead.
      await copyFile(path.join(work, 'pool.duckdb'), values['keep-pool'] as string);
    });
  }
  home.close();
  await rm(work, { recursive: true, force: true });
}

function generateInChild(options: {
  outDir: string;
  records: number;
  seed: number;
  asOf: string;
  members?: number;
}): TGeneratedManifest {
  const script = fileURLToPath(new URL('../generate/main.ts', import.meta.url));
  const output = execFileSync(
    process.execPath,
    [
      script,
      ...['--out', options.outDir, '--records', String(options.records)],
      ...['--seed', String(options.seed), '--as-of', options.asOf],
      ...(options.members ? ['--members', String(options.members)] : []),
    ],
    { maxBuffer: 16 * 2 ** 20 },
  );
  return JSON.parse(output.toString()) as TGeneratedManifest;
}

function customerCount(manifest: TGeneratedManifest): number {
  return manifest.members.reduce((sum, generated) => sum + generated.records, 0);
}

/** Repoussoir entries with the keyed hashes of `count` random records' contact points. */
async function sampleContactHashes(pool: TWarehouse, count: number) {
  const connection = await pool.connect();
  try {
    const rows = (
      await connection.runAndReadAll(
        `SELECT email_hmac, mobile_hmac, postal_hmac FROM member_records USING SAMPLE reservoir(${count} ROWS) REPEATABLE (42)`,
      )
    ).getRowsJS();
    const entries = rows.flatMap(([email, mobile, postal]) => [
      ...(email ? [{ kind: 'email' as const, hmac: String(email), scope: 'all' as const }] : []),
      ...(mobile ? [{ kind: 'phone' as const, hmac: String(mobile), scope: 'sms' as const }] : []),
      ...(postal
        ? [{ kind: 'postal' as const, hmac: String(postal), scope: 'postal' as const }]
        : []),
    ]);
    return entries;
  } finally {
    connection.closeSync();
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

function encryptFile(gpg: GpgHome, file: string, recipient: string, signer: string): void {
  execFileSync('gpg', [
    ...['--homedir', gpg.dir, '--batch', '--yes', '--trust-model', 'always'],
    ...['--encrypt', '--sign', '-r', recipient, '-u', signer, '--output', `${file}.gpg`, file],
  ]);
}

async function timeGpgDecrypt(gpg: GpgHome, file: string): Promise<number> {
  const started = performance.now();
  const child = spawn(
    'gpg',
    ['--homedir', gpg.dir, '--batch', '--decrypt', '--output', '/dev/null', file],
    {
      stdio: 'ignore',
    },
  );
  await new Promise((resolve) => child.once('close', resolve));
  return performance.now() - started;
}

/**
 * Quality of the built pool against the truth: DuckDB writes each record's person and
 * household to a CSV in the work folder, and scripts/bench/measure-quality.ts scores it
 * in a child process, so the truth's maps do not count in this process's peak RSS.
 */
async function measureQuality(
  pool: TWarehouse,
  truthFile: string,
  mustNotMergeFile: string,
): Promise<TQuality> {
  const identities = path.join(work, 'identities.csv');
  const connection = await pool.connect();
  await connection.run(
    `COPY (SELECT r.member_code || ':' || r.customer_id AS record_key, r.person_id, p.household_id
       FROM member_records r LEFT JOIN persons p USING (person_id))
     TO '${identities.replaceAll("'", "''")}' (HEADER, DELIMITER ',')`,
  );
  const script = fileURLToPath(new URL('./measure-quality.ts', import.meta.url));
  const output = execFileSync(
    process.execPath,
    [
      script,
      ...['--identities', identities, '--truth', truthFile, '--must-not-merge', mustNotMergeFile],
    ],
    { maxBuffer: 16 * 2 ** 20 },
  );
  await rm(identities, { force: true });
  return JSON.parse(output.toString()) as TQuality;
}

interface TQuality {
  persons: TPairwiseQuality;
  households: TPairwiseQuality;
  violations: { total: number; byCase: Record<string, number> };
}
