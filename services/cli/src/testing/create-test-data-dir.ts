import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { isAlive } from '../data-dir-lock.ts';
import { cliEnv } from './cli-env.ts';
import { runCli } from './run-cli.ts';

const execFileAsync = promisify(execFile);
const TEMPLATE_PREFIX = 'alliage-test-platform-';

let template: Promise<string> | null = null;

/**
 * A new data directory holding a copy of an embedded platform (control plane and
 * test-only secrets, no pool yet) that the real CLI made once for this test run, for
 * suites whose platform is set-up rather than subject: their first command skips
 * PGlite's `initdb` and the secrets' generation (~4.5 s of CPU each on the 2-core
 * machine, where the suite is CPU-bound). A suite about a platform's creation (the
 * notice of a first command, the secrets' modes) starts from an empty directory.
 * Every copy shares the template's secrets: test-only, like the platform itself.
 *
 * @example
 * const dataDir = await createTestDataDir('alliage-audit-cli-');
 */
export async function createTestDataDir(prefix: string): Promise<string> {
  template ??= makeTemplate();
  const source = await template;
  const directory = await mkdtemp(path.join(os.tmpdir(), prefix));
  // `cp -a` keeps the modes (0700 directories, 0600 secrets) that a copy in Node would not.
  await execFileAsync('cp', ['-a', `${source}/.`, directory]);
  return directory;
}

/**
 * The run's template, shared by its worker processes (children of the same Vitest
 * process): made aside and renamed into place, so a worker never copies half of one.
 * Templates of runs whose Vitest process is gone are removed.
 */
async function makeTemplate(): Promise<string> {
  const final = path.join(os.tmpdir(), `${TEMPLATE_PREFIX}${process.ppid}`);
  if (await isPlatform(final)) return final;
  await removeStaleTemplates();
  const partial = await mkdtemp(path.join(os.tmpdir(), `${TEMPLATE_PREFIX}${process.ppid}.`));
  const made = await runCli(['platform', 'pgp-key'], cliEnv({ ALLIAGE_DATA_DIR: partial }));
  if (made.code !== 0) {
    await rm(partial, { recursive: true, force: true });
    throw new Error(`could not make the test platform template:\n${made.stderr}`);
  }
  try {
    await rename(partial, final);
  } catch (error) {
    // Another worker renamed its own first: use that one.
    await rm(partial, { recursive: true, force: true });
    if (!(await isPlatform(final))) throw error;
  }
  return final;
}

async function isPlatform(directory: string): Promise<boolean> {
  try {
    const entries = await readdir(directory);
    return entries.includes('pglite') && entries.includes('secrets');
  } catch {
    return false;
  }
}

async function removeStaleTemplates(): Promise<void> {
  for (const name of await readdir(os.tmpdir())) {
    if (!name.startsWith(TEMPLATE_PREFIX)) continue;
    const pid = Number(name.slice(TEMPLATE_PREFIX.length).split('.')[0]);
    if (!Number.isInteger(pid) || pid === process.ppid || isAlive(pid)) continue;
    await rm(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}
