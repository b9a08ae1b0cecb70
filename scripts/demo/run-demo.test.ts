// `npm run demo` up to the pool build, as a real child process: a real `alliage serve`
// on embedded defaults, real gpg, real SFTP. The selection half is run by CI's
// `npm run demo` itself.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasGpg, hasSshKeygen } from '@alliage/crypto/testing';
import { describe, expect, it } from 'vitest';

const RUN_DEMO = path.join(path.dirname(fileURLToPath(import.meta.url)), 'run-demo.ts');

function runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN_DEMO, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!hasGpg || !hasSshKeygen)('npm run demo', () => {
  it('runs the story up to the pool build, prints its progress and summary, and cleans up', async () => {
    const { code, stdout, stderr } = await runDemo(['--stop-after', 'pool', '--records', '1200']);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    const progress = stdout.split('\n').filter((line) => /^\[\d+\/\d+\] /.test(line));
    expect(progress).toHaveLength(13);
    expect(progress.filter((line) => !/… ok \(\d+\.\d s\)$/.test(line))).toEqual([]);
    expect(progress.map((line) => line.slice(0, line.indexOf(' ')))).toEqual(
      Array.from({ length: 13 }, (_, index) => `[${index + 1}/13]`),
    );
    const cell = (label: string) =>
      new RegExp(`\\| ${label} +\\| +([^|]+?) \\|`).exec(stdout)?.[1] ?? '';
    expect(cell('steps passed')).toBe('13 / 13');
    expect(cell('member files accepted')).toBe('8 / 8');
    expect(Number(cell('persons'))).toBeGreaterThan(300);
    expect(Number(cell('households'))).toBeGreaterThan(100);
    expect(Number(cell('expired records purged \\(36 months\\)'))).toBeGreaterThan(0);
    // Two emails: their persons, or the few sharing one (a couple).
    expect(Number(cell('persons opposed \\(repoussoir\\)'))).toBeGreaterThanOrEqual(2);
    expect(Number(cell('persons opposed \\(repoussoir\\)'))).toBeLessThanOrEqual(6);
    expect(stdout).toContain('demo passed');
    const dataDir = /data directory (\S+)/.exec(stdout)?.[1] ?? '';
    expect(dataDir).not.toBe('');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses unknown arguments with exit code 2, before starting anything', async () => {
    const { code, stderr } = await runDemo(['--stop-after', 'count']);
    expect(code).toBe(2);
    expect(stderr).toContain('--stop-after');
  });
});
