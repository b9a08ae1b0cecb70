import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliEnv, runCli } from '@alliage/cli/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const FINGERPRINT = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';

describe('alliage client push-target on embedded defaults', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'alliage-client-cli-'));
    env = cliEnv({ ALLIAGE_DATA_DIR: dataDir });
    for (const [code, kind, sector] of [
      ['C01', 'client', 'energie'],
      ['M01', 'member', 'equipement_maison'],
    ] as const) {
      const added = await runCli(
        ['org', 'add', '--code', code, '--name', `Org ${code}`, '--kind', kind, '--sector', sector],
        env,
      );
      // Only the first command, on the new data directory, has something to say.
      expect(added.stderr).toBe(
        code === 'C01'
          ? `notice: ${dataDir} (ALLIAGE_DATA_DIR) held no platform: a new one was created there, with new secrets. If you meant an existing platform, check the variable\n`
          : '',
      );
      expect(added.code).toBe(0);
    }
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const target = (client: string, ...extra: string[]) => [
    'client',
    'push-target',
    'set',
    '--client',
    client,
    '--host',
    'sftp.client.example.invalid',
    '--port',
    '2222',
    '--user',
    'alliage',
    '--dir',
    '/inbound',
    '--host-key-fingerprint',
    FINGERPRINT,
    ...extra,
  ];

  it('sets, shows and removes a client push target', async () => {
    const saved = await runCli([...target('C01'), '--json'], env);
    expect(saved.stderr).toBe('');
    expect(saved.code).toBe(0);
    expect(JSON.parse(saved.stdout)).toMatchObject({
      host: 'sftp.client.example.invalid',
      port: 2222,
      username: 'alliage',
      remoteDir: '/inbound',
      hostKeySha256: FINGERPRINT,
      enabled: true,
    });
    const shown = await runCli(['client', 'push-target', 'show', '--client', 'C01'], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`alliage@sftp.client.example.invalid:2222/inbound`);
    const removed = await runCli(['client', 'push-target', 'remove', '--client', 'C01'], env);
    expect(removed.code).toBe(0);
    const gone = await runCli(['client', 'push-target', 'show', '--client', 'C01'], env);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('no push target');
  });

  it('refuses a member, and a fingerprint in another form, naming the field', async () => {
    const member = await runCli(target('M01'), env);
    expect(member.code).not.toBe(0);
    expect(member.stderr).toMatch(/M01/);
    const bad = await runCli(
      target('C01').map((arg) => (arg === FINGERPRINT ? 'aa:bb:cc' : arg)),
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('hostKeySha256');
  });
});
