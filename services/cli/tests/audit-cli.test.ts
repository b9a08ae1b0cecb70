import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliEnv, createTestDataDir, runCli } from '@alliage/cli/testing';
import { AUDIT_CSV_COLUMNS, computeAuditHash, type TAuditRowForHash } from '@alliage/control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const VERIFY_SCRIPT = fileURLToPath(
  new URL('../../../scripts/verify-audit-export.ts', import.meta.url),
);

/** Runs the documented offline verification command. */
function verifyOffline(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VERIFY_SCRIPT, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('alliage audit export and offline verification (embedded data directory)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  const file = (name: string) => path.join(dataDir, name);
  /** The documented command on an export, against the checkpoint and the platform key. */
  const verifyWithCheckpoint = (events: string, ...extra: string[]) =>
    verifyOffline([
      '--events',
      file(events),
      '--checkpoint',
      file('cp.asc'),
      '--public-key',
      file('platform.asc'),
      ...extra,
    ]);

  beforeAll(async () => {
    dataDir = await createTestDataDir('alliage-audit-cli-');
    env = cliEnv({ ALLIAGE_DATA_DIR: dataDir });
    for (const [code, sector] of [
      ['M01', 'equipement_maison'],
      ['M02', 'automobile'],
    ]) {
      const added = await runCli(
        [
          'org',
          'add',
          '--code',
          code ?? '',
          '--name',
          `Test ${code}`,
          '--kind',
          'member',
          '--sector',
          sector ?? '',
        ],
        env,
      );
      expect(added.code, added.stderr).toBe(0);
      // An event between the two creations: filtering on organisation.created leaves a gap.
      if (code === 'M01') expect((await runCli(['audit', 'verify'], env)).code).toBe(0);
    }
  }, 120_000);
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exports the chain as JSONL that the documented command verifies against a checkpoint', async () => {
    const checkpointed = await runCli(['audit', 'checkpoint', '--out', file('cp.asc')], env);
    expect(checkpointed.code, checkpointed.stderr).toBe(0);
    const key = await runCli(['platform', 'pgp-key', '--json'], env);
    writeFileSync(file('platform.asc'), JSON.parse(key.stdout).armoredPublicKey);

    const exported = await runCli(
      ['audit', 'export', '--format', 'jsonl', '--out', file('all.jsonl'), '--json'],
      env,
    );
    expect(exported.code, exported.stderr).toBe(0);
    const { eventCount } = JSON.parse(exported.stdout) as { eventCount: number };
    expect(eventCount).toBeGreaterThan(2);
    expect(readFileSync(file('all.jsonl'), 'utf8').trimEnd().split('\n')).toHaveLength(eventCount);

    const verified = await verifyWithCheckpoint('all.jsonl');
    expect(verified.code, verified.stdout).toBe(0);
    // The checkpoint is followed by its own audit.checkpointed: the export goes past it.
    const checkpointSeq = eventCount - 1;
    expect(verified.stdout).toContain(`audit export VERIFIED ONLY UP TO seq ${checkpointSeq}:`);
    expect(verified.stdout).toContain(
      `seq 1..${checkpointSeq} (${checkpointSeq} events): the platform’s, unaltered`,
    );

    // The events after the checkpoint rewritten, hashes recomputed, as whoever can write
    // the database could: they are consistent, and said to be NOT proven.
    const events = readFileSync(file('all.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as TAuditRowForHash & { hash: string });
    const forged = events.map((event) => ({ ...event }));
    for (const event of forged.slice(checkpointSeq)) {
      event.actor = 'cli:someone-else';
      event.prevHash = forged[event.seq - 2]?.hash ?? '';
      const { hash: _hash, ...row } = event;
      event.hash = computeAuditHash(event.prevHash, row);
    }
    writeFileSync(file('forged.jsonl'), forged.map((event) => JSON.stringify(event)).join('\n'));
    const afterCheckpoint = await verifyWithCheckpoint('forged.jsonl', '--json');
    expect(JSON.parse(afterCheckpoint.stdout)).toMatchObject({
      ok: true,
      checkpointSeq,
      provenThroughSeq: checkpointSeq,
      provenEventCount: checkpointSeq,
      eventCount,
    });
    const notProven = await verifyWithCheckpoint('forged.jsonl');
    expect(notProven.stdout).toContain(
      `seq ${eventCount}..${eventCount} (1 event): after the signed checkpoint at seq ${checkpointSeq}: consistent with each other, NOT proven`,
    );

    // A covered line showing another actor first (JSON.parse keeps the last one).
    const doubled = readFileSync(file('all.jsonl'), 'utf8').split('\n');
    doubled[0] = (doubled[0] ?? '').replace('"actor":', '"actor":"cli:someone-else","actor":');
    writeFileSync(file('doubled.jsonl'), doubled.join('\n'));
    const duplicateKey = await verifyWithCheckpoint('doubled.jsonl');
    expect(duplicateKey.code).toBe(1);
    expect(duplicateKey.stdout).toContain('NOT VERIFIED at seq 1');

    // One altered event: the same command refuses the export.
    const lines = readFileSync(file('all.jsonl'), 'utf8').split('\n');
    lines[1] = (lines[1] ?? '').replace('"actor":"', '"actor":"x');
    writeFileSync(file('altered.jsonl'), lines.join('\n'));
    const altered = await verifyOffline(['--events', file('altered.jsonl')]);
    expect(altered.code).toBe(1);
    expect(altered.stdout).toContain('NOT VERIFIED at seq 2');

    // A key that did not sign the checkpoint.
    const other = await verifyOffline([
      '--events',
      file('all.jsonl'),
      '--checkpoint',
      file('cp.asc'),
      '--public-key',
      file('altered.jsonl'),
    ]);
    expect(other.code).toBe(1);

    const verify = await runCli(['audit', 'verify', '--checkpoint', file('cp.asc')], env);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('audit chain OK');
    // Never more than the checkpoint proves: its own audit.checkpointed comes after it.
    expect(verify.stdout).toMatch(
      /seq 1\.\.(\d+) match the signed checkpoint; seq \d+\.\.\d+ consistent with them, NOT proven by it/,
    );
  }, 120_000);

  it('exports CSV under filters; a filtered JSONL export is reported as not contiguous', async () => {
    const csv = await runCli(
      ['audit', 'export', '--format', 'csv', '--organisation', 'M02', '--out', file('m02.csv')],
      env,
    );
    expect(csv.code, csv.stderr).toBe(0);
    const records = readFileSync(file('m02.csv'), 'utf8').trimEnd().split('\r\n');
    expect(records[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(records.length).toBeGreaterThan(1);
    expect(records.slice(1).every((record) => record.split(',')[6] === 'M02')).toBe(true);

    const jsonl = await runCli(
      [
        'audit',
        'export',
        '--format',
        'jsonl',
        '--action',
        'organisation.created',
        '--out',
        file('orgs.jsonl'),
      ],
      env,
    );
    expect(jsonl.code, jsonl.stderr).toBe(0);
    const offline = await verifyOffline(['--events', file('orgs.jsonl')]);
    expect(offline.code, offline.stdout + readFileSync(file('orgs.jsonl'), 'utf8')).toBe(1);
    expect(offline.stdout).toContain('verify an unfiltered export');

    const tail = await runCli(['audit', 'tail', '-n', '1', '--json'], env);
    expect(JSON.parse(tail.stdout)[0]).toMatchObject({
      action: 'audit.read',
      details: { via: 'export', format: 'jsonl', completed: true },
    });
    // Reading the chain is recorded directly on the data directory too, as through the API.
    const tailed = await runCli(['audit', 'tail', '-n', '1', '--json'], env);
    expect(JSON.parse(tailed.stdout)[0]).toMatchObject({
      action: 'audit.read',
      details: { via: 'tail', n: 1, eventCount: 1 },
    });

    const bad = await runCli(['audit', 'export', '--format', 'xml', '--out', file('x')], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format');
  }, 120_000);

  it('refuses a --from or --to the database cannot hold with a message naming it', async () => {
    for (const [option, value] of [
      ['--from', '0000-01-01'],
      ['--to', 'yesterday'],
    ] as const) {
      const refused = await runCli(
        ['audit', 'export', '--format', 'csv', option, value, '--out', file('refused.csv')],
        env,
      );
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toContain(`filter.${option.slice(2)}`);
      expect(refused.stderr).not.toMatch(/out of range|Invalid Date|unexpected/i);
      expect(existsSync(file('refused.csv'))).toBe(false);
    }
  }, 120_000);
});
