import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliEnv, createTestDataDir, runCli, startServe, stopProcess } from '@alliage/cli/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('alliage register export on embedded defaults (PGlite data directory)', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await createTestDataDir('alliage-register-');
    env = cliEnv({ ALLIAGE_DATA_DIR: dataDir });
    const added = await runCli(
      [
        'org',
        'add',
        '--code',
        'M01',
        '--name',
        'Maison Test',
        '--kind',
        'member',
        '--sector',
        'equipement_maison',
      ],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    const instruction = path.join(dataDir, 'instruction.json');
    writeFileSync(
      instruction,
      JSON.stringify({
        purposes: ['targeting', 'scoring'],
        channels: ['postal'],
        thirdPartyAllowed: false,
        clientSectorsAllow: null,
        clientSectorsDeny: [],
        retentionMonths: 30,
        signedBy: 'Test Only, DPO',
        effectiveFrom: '2026-01-01',
      }),
    );
    const set = await runCli(['instruction', 'set', '--member', 'M01', '--file', instruction], env);
    expect(set.code, set.stderr).toBe(0);
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes the Markdown register directly, from the configuration in force', async () => {
    const out = path.join(dataDir, 'register.md');
    const result = await runCli(['register', 'export', '--out', out], {
      ...env,
      ALLIAGE_PROCESSOR_NAME: 'Alliage SAS',
      ALLIAGE_DPO_CONTACT: 'dpo@alliage.invalid',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`processor register (markdown) written to ${out}`);
    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toContain('| Name (Nom) | Alliage SAS |');
    expect(markdown).toContain('dpo@alliage.invalid');
    expect(markdown).toContain('## Record sheet: M01 — Maison Test');
    expect(markdown).toContain('Scoring and segmentation');
    expect(markdown).toContain('| Retention (Durée de conservation) | 30 months |');
    // The CLI process did not open the pool: it says so rather than guess.
    expect(markdown).toContain('unknown: the pool is not open in this process');

    const csv = await runCli(['register', 'export', '--format', 'csv'], env);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^generated_at,processor_name,/);
    expect(csv.stdout).toContain(',Alliage (processor),');
  });

  it('goes through a running serve, which knows the pool encryption', async () => {
    const serve = await startServe({ ...env, ALLIAGE_HTTP_PORT: '0' });
    try {
      const result = await runCli(['register', 'export', '--format', 'json'], env);
      expect(result.code, result.stderr).toBe(0);
      const register = JSON.parse(result.stdout) as {
        controllers: { code: string; instruction: { retentionMonths: number } }[];
        securityMeasures: { key: string; state: string }[];
      };
      expect(register.controllers).toMatchObject([
        { code: 'M01', instruction: { retentionMonths: 30 } },
      ]);
      const encryption = register.securityMeasures.find(
        (measure) => measure.key === 'encryption_at_rest',
      );
      expect(encryption?.state).not.toBe('unknown');
      const tail = await runCli(['audit', 'tail', '-n', '1', '--json'], env);
      expect(JSON.parse(tail.stdout)).toMatchObject([
        { action: 'register.exported', details: { format: 'json', controllerCount: 1 } },
      ]);
    } finally {
      expect(await stopProcess(serve.child)).toBe(0);
    }
  });
});
