// Benchmark of member-file decryption: `npx node scripts/bench/pgp-decrypt.ts [sizeMiB] [runs]`.
// Makes a synthetic customer CSV (fake rows only) of sizeMiB (default 136), encrypts and
// signs it with gpg's default settings, then decrypts it with each variant in its own
// process and prints wall time, CPU time and peak RSS, with ratios to `gpg --decrypt`
// alone. Linux reads CPU and gpg's memory from /proc; elsewhere those columns say n/a.
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { decryptVerifiedStream } from '@alliage/crypto';
import { createGpgHome, generateSyntheticCsv } from '@alliage/crypto/testing';
import { decrypt, readKey, readMessage, readPrivateKey } from 'openpgp';

const VARIANTS = {
  'gpg --decrypt (floor)': 'floor',
  'gpg engine': 'gpg',
  'openpgp engine, 1 MiB chunks (default)': 'openpgp-rechunk',
  'openpgp engine, sender chunks (8 KiB)': 'openpgp-plain',
  'openpgp.js decrypt(), streamed unauthenticated': 'stock-stream',
  'openpgp.js decrypt(), default (buffers to MDC)': 'stock-buffered',
} as const;
type TVariant = (typeof VARIANTS)[keyof typeof VARIANTS];

interface TWorkerInput {
  encryptedFile: string;
  plaintextBytes: number;
  armoredPrivateKey: string;
  armoredPublicKey: string;
  gpgHome: string;
}

interface TRunResult {
  plaintextBytes: number;
  wallSeconds: number;
  cpuSeconds: number | undefined;
  peakRssBytes: number | undefined;
}

const SELF = fileURLToPath(import.meta.url);

if (process.argv[2] === '--worker') {
  await runWorker(process.argv[3] as TVariant, process.argv[4] ?? '');
} else {
  await runBenchmark(Number(process.argv[2] ?? 136), Number(process.argv[3] ?? 3));
}

async function runBenchmark(sizeMiB: number, runs: number): Promise<void> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'alliage-bench-'));
  const home = createGpgHome();
  try {
    const platform = home.generateKey({
      algorithm: 'ed25519',
      usage: 'cert',
      encryptionSubkey: 'cv25519',
    });
    const member = home.generateKey({ algorithm: 'ed25519', usage: 'sign' });
    const encryptedFile = path.join(workDir, 'customers.csv.gpg');
    const started = performance.now();
    const gpg = spawn(
      'gpg',
      [
        ...['--homedir', home.dir, '--batch', '--trust-model', 'always'],
        ...['--encrypt', '--sign', '-r', platform, '-u', member, '--output', encryptedFile],
      ],
      { stdio: ['pipe', 'ignore', 'inherit'] },
    );
    const encrypted = new Promise((resolve) => gpg.once('close', resolve));
    let plaintextBytes = 0;
    await pipeline(async function* () {
      for await (const chunk of generateSyntheticCsv(sizeMiB * 2 ** 20)) {
        plaintextBytes += chunk.length;
        yield chunk;
      }
    }, gpg.stdin);
    await encrypted;
    const encryptedBytes = (await stat(encryptedFile)).size;
    const workerInput: TWorkerInput = {
      encryptedFile,
      plaintextBytes,
      armoredPrivateKey: home.run(['--armor', '--export-secret-keys', platform]).toString(),
      armoredPublicKey: home.exportPublicKey(member),
      gpgHome: home.dir,
    };
    const inputFile = path.join(workDir, 'worker-input.json');
    await writeFile(inputFile, JSON.stringify(workerInput), { mode: 0o600 });
    const gpgVersion = execFileSync('gpg', ['--version']).toString().split('\n')[0];
    console.log(
      `plaintext ${sizeMiB} MiB, encrypted ${(encryptedBytes / 2 ** 20).toFixed(1)} MiB ` +
        `(made in ${((performance.now() - started) / 1000).toFixed(1)} s); node ${process.version}, ` +
        `${gpgVersion}, ${availableParallelism()} CPUs, load ${loadavg()[0]?.toFixed(2)}; ` +
        `median of ${runs} runs\n`,
    );

    const rows: [string, TRunResult][] = [];
    for (const [label, variant] of Object.entries(VARIANTS)) {
      const results: TRunResult[] = [];
      for (let run = 0; run < runs; run += 1) results.push(await runInChild(variant, inputFile));
      if (results.some((result) => result.plaintextBytes !== plaintextBytes)) {
        throw new Error(`${label} did not return the ${plaintextBytes} plaintext bytes`);
      }
      results.sort((a, b) => a.wallSeconds - b.wallSeconds);
      rows.push([label, results[Math.floor(results.length / 2)]!]);
    }
    printTable(rows, sizeMiB);
  } finally {
    home.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** One variant in a fresh process, so that its peak RSS is its own. */
async function runInChild(variant: TVariant, inputFile: string): Promise<TRunResult> {
  const child = spawn(process.execPath, [SELF, '--worker', variant, inputFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    output += text;
  });
  const code = await new Promise((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`worker ${variant} exited ${code}`);
  return JSON.parse(output) as TRunResult;
}

async function runWorker(variant: TVariant, inputFile: string): Promise<void> {
  const input = JSON.parse(readFileSync(inputFile, 'utf8')) as TWorkerInput;
  const peak = watchPeakRss(process.pid);
  // Measured from here: module loading and process start are not decryption.
  const ownCpuBefore = process.cpuUsage();
  const childrenCpuBefore = childrenCpuSeconds();
  const started = performance.now();
  let plaintextBytes = 0;
  const count = async (stream: AsyncIterable<Uint8Array>): Promise<void> => {
    for await (const chunk of stream) plaintextBytes += chunk.length;
  };
  const fileStream = () => createReadStream(input.encryptedFile, { highWaterMark: 1 << 20 });
  if (variant === 'floor') {
    // gpg alone: it reads the file itself and writes to /dev/null, as a shell user would.
    const gpg = spawn(
      'gpg',
      [
        ...['--homedir', input.gpgHome, '--batch', '--yes', '--output', '/dev/null'],
        ...['--decrypt', input.encryptedFile],
      ],
      { stdio: 'ignore' },
    );
    const code = await new Promise((resolve) => gpg.once('close', resolve));
    if (code !== 0) throw new Error(`gpg --decrypt exited ${code}`);
    plaintextBytes = input.plaintextBytes;
  } else if (variant === 'gpg' || variant === 'openpgp-rechunk' || variant === 'openpgp-plain') {
    const { plaintext, verified } = decryptVerifiedStream({
      input: fileStream(),
      decryptionKeys: [{ armoredPrivateKey: input.armoredPrivateKey }],
      signerPublicKeys: [input.armoredPublicKey],
      maxPlaintextBytes: 2 ** 40,
      engine: variant === 'gpg' ? 'gpg' : 'openpgp',
      rechunkBytes: variant === 'openpgp-plain' ? 0 : 1 << 20,
    });
    await count(plaintext);
    await verified;
  } else {
    const result = await decrypt({
      message: await readMessage({
        binaryMessage: Readable.toWeb(fileStream()) as ReadableStream<Uint8Array>,
      }),
      decryptionKeys: await readPrivateKey({ armoredKey: input.armoredPrivateKey }),
      verificationKeys: await readKey({ armoredKey: input.armoredPublicKey }),
      expectSigned: true,
      format: 'binary',
      config: { allowUnauthenticatedStream: variant === 'stock-stream' },
    });
    await count(result.data);
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const childrenCpuAfter = childrenCpuSeconds();
  const report: TRunResult = {
    plaintextBytes,
    wallSeconds,
    cpuSeconds:
      childrenCpuBefore === undefined || childrenCpuAfter === undefined
        ? undefined
        : (ownCpu.user + ownCpu.system) / 1e6 + childrenCpuAfter - childrenCpuBefore,
    // The floor is gpg alone: the Node process that started it is not counted.
    peakRssBytes: peak.stop(variant !== 'floor'),
  };
  process.stdout.write(JSON.stringify(report));
}

/**
 * Peak RSS of `pid` plus the highest of its children (gpg), from VmHWM in /proc,
 * sampled every 20 ms while they run (gpg's footprint is flat, so sampling misses
 * little). Reads only the children list, not all of /proc, to stay cheap.
 */
function watchPeakRss(pid: number): { stop(includeSelf: boolean): number | undefined } {
  let childPeakKb = 0;
  const sample = (): void => {
    const children = safeRead(`/proc/${pid}/task/${pid}/children`)?.trim().split(/\s+/) ?? [];
    for (const child of children) {
      if (child) childPeakKb = Math.max(childPeakKb, vmHwmKb(`/proc/${child}/status`) ?? 0);
    }
  };
  const timer = setInterval(sample, 20);
  return {
    stop(includeSelf) {
      clearInterval(timer);
      const ownKb = includeSelf ? process.resourceUsage().maxRSS : 0;
      if (process.platform !== 'linux') return includeSelf ? ownKb * 1024 : undefined;
      return (ownKb + childPeakKb) * 1024;
    },
  };
}

/** CPU seconds of waited-for children (and theirs), from /proc/self/stat; undefined elsewhere. */
function childrenCpuSeconds(): number | undefined {
  const statLine = safeRead('/proc/self/stat');
  if (!statLine) return undefined;
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of stat(5) (cutime, cstime), counted from after the command name.
  const ticks = Number(fields[13]) + Number(fields[14]);
  // USER_HZ, the unit of these fields, is 100 on every Linux that Node supports.
  return ticks / 100;
}

function vmHwmKb(statusFile: string): number | undefined {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(safeRead(statusFile) ?? '');
  return match ? Number(match[1]) : undefined;
}

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function printTable(rows: [string, TRunResult][], sizeMiB: number): void {
  const floor = rows[0]![1];
  const header = ['variant', 'wall s', 'MiB/s', 'x floor', 'CPU s', 'CPU x floor', 'peak RSS MiB'];
  const lines = rows.map(([label, result]) => [
    label,
    result.wallSeconds.toFixed(2),
    (sizeMiB / result.wallSeconds).toFixed(0),
    (result.wallSeconds / floor.wallSeconds).toFixed(2),
    result.cpuSeconds?.toFixed(2) ?? 'n/a',
    result.cpuSeconds && floor.cpuSeconds
      ? (result.cpuSeconds / floor.cpuSeconds).toFixed(2)
      : 'n/a',
    result.peakRssBytes === undefined ? 'n/a' : (result.peakRssBytes / 2 ** 20).toFixed(0),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]!.length)),
  );
  const format = (cells: string[]) =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ')} |`;
  console.log(format(header));
  console.log(
    `|${widths.map((width, column) => (column === 0 ? ':' : '-').padEnd(width + 1, '-') + (column === 0 ? '-' : ':')).join('|')}|`,
  );
  for (const line of lines) console.log(format(line));
}
