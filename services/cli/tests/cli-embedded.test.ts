import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliEnv, runCli, startServe, stopProcess } from '@alliage/cli/testing';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const instruction = {
  purposes: ['targeting'],
  channels: ['postal', 'email'],
  thirdPartyAllowed: true,
  clientSectorsAllow: null,
  clientSectorsDeny: ['equipement_maison'],
  retentionMonths: 36,
  signedBy: 'Test Only, DPO',
  effectiveFrom: '2026-12-01',
};

describe('alliage CLI on embedded defaults (PGlite data directory)', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'alliage-cli-'));
    env = cliEnv({ ALLIAGE_DATA_DIR: dataDir });
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops with exit 2 naming a bad variable', async () => {
    const result = await runCli(['org', 'list'], { ...env, ALLIAGE_HTTP_PORT: 'eighty' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ALLIAGE_HTTP_PORT');
  });

  it('exits 2 on an unknown command or a missing option', async () => {
    expect((await runCli(['frobnicate'], env)).code).toBe(2);
    expect((await runCli(['org', 'add', '--code', 'M01'], env)).code).toBe(2);
  });

  it('refuses to read a data directory that holds no platform, and creates nothing there', async () => {
    const mistyped = path.join(dataDir, 'mistyped');
    for (const command of [
      ['audit', 'verify'],
      ['pool', 'stats'],
      ['org', 'list', '--json'],
    ]) {
      const result = await runCli(command, { ...env, ALLIAGE_DATA_DIR: mistyped });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
    }
    const result = await runCli(['audit', 'verify', '--json'], {
      ...env,
      ALLIAGE_DATA_DIR: mistyped,
    });
    expect(JSON.parse(result.stderr)).toMatchObject({
      code: 'no_platform',
      dataDir: mistyped,
      error: expect.stringContaining(`no platform in ${mistyped} (ALLIAGE_DATA_DIR)`),
    });
    expect(existsSync(mistyped)).toBe(false);
  });

  it('registers organisations directly and generates 0600 secrets', async () => {
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
        '--json',
      ],
      env,
    );
    // The first command on a new data directory creates the platform, and says so.
    expect(JSON.parse(added.stderr)).toEqual({
      notice: expect.stringMatching(/held no platform: a new one was created there/),
      dataDir,
    });
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ code: 'M01', kind: 'member' });
    for (const file of [
      'platform-pgp.key',
      'ssh_host_ed25519_key',
      'ssh_client_ed25519_key',
      'hmac.secret',
    ]) {
      expect(statSync(path.join(dataDir, 'secrets', file)).mode & 0o777).toBe(0o600);
    }
    const listed = await runCli(['org', 'list', '--json'], env);
    expect(JSON.parse(listed.stdout).map((org: { code: string }) => org.code)).toEqual(['M01']);
  });

  it('refuses bad input with exit 2 and the field name', async () => {
    const result = await runCli(
      ['org', 'add', '--code', 'M02', '--name', 'x', '--kind', 'member', '--sector', 'energie'],
      env,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('sector');
    const duplicate = await runCli(
      [
        'org',
        'add',
        '--code',
        'M01',
        '--name',
        'again',
        '--kind',
        'member',
        '--sector',
        'equipement_maison',
      ],
      env,
    );
    expect(duplicate.code).toBe(1);
  });

  it('refuses a count in anything but decimal digits, and a reference file that is not UTF-8', async () => {
    for (const count of ['0x10', '1e2', '+5', '1.0']) {
      const tail = await runCli(['audit', 'tail', '-n', count], env);
      expect(tail.code, count).toBe(2);
      expect(tail.stderr).toContain('--count');
    }
    expect((await runCli(['audit', 'tail', '-n', '2', '--json'], env)).code).toBe(0);
    // A Latin-1 file: 'Étampes' as 0xC9 would be decoded as U+FFFD and imported silently.
    const latin1 = path.join(dataDir, 'revenus.csv');
    writeFileSync(
      latin1,
      Buffer.concat([
        Buffer.from('insee_code,commune,revenu\n91223,'),
        Buffer.from([0xc9]),
        Buffer.from('tampes,21000\n'),
      ]),
    );
    const refused = await runCli(['reference', 'import', '--file', latin1], env);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('UTF-8');
    expect(refused.stderr).not.toContain('tampes');
  });

  it('records and shows instruction versions', async () => {
    const file = path.join(dataDir, 'instruction.json');
    writeFileSync(file, JSON.stringify(instruction));
    expect(
      (await runCli(['instruction', 'set', '--member', 'M01', '--file', file], env)).code,
    ).toBe(0);
    writeFileSync(file, JSON.stringify({ ...instruction, retentionMonths: 24 }));
    expect(
      (await runCli(['instruction', 'set', '--member', 'M01', '--file', file], env)).code,
    ).toBe(0);
    const shown = await runCli(
      ['instruction', 'show', '--member', 'M01', '--history', '--json'],
      env,
    );
    expect(JSON.parse(shown.stdout).map((version: { version: number }) => version.version)).toEqual(
      [2, 1],
    );
    writeFileSync(file, JSON.stringify({ ...instruction, retentionMonths: 48 }));
    const tooLong = await runCli(['instruction', 'set', '--member', 'M01', '--file', file], env);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain('retentionMonths');
  });

  it('creates a token shown once and revokes it', async () => {
    const created = await runCli(
      [
        'token',
        'create',
        '--org',
        'M01',
        '--role',
        'member_admin',
        '--expires-days',
        '30',
        '--json',
      ],
      env,
    );
    expect(created.code).toBe(0);
    const { token, tokenId } = JSON.parse(created.stdout);
    expect(token).toMatch(/^alg_/);
    const listed = await runCli(['token', 'list', '--org', 'M01', '--json'], env);
    expect(listed.stdout).not.toContain(token);
    expect((await runCli(['token', 'revoke', tokenId], env)).code).toBe(0);
  });

  it('goes through the HTTP API while serve holds the data directory', async () => {
    const serve = await startServe({ ...env, ALLIAGE_HTTP_PORT: '0' });
    try {
      const health = await fetch(`${serve.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: 'pglite' });
      expect(existsSync(path.join(dataDir, 'alliage.lock'))).toBe(true);
      const added = await runCli(
        [
          'org',
          'add',
          '--code',
          'C01',
          '--name',
          'Client Test',
          '--kind',
          'client',
          '--sector',
          'energie',
        ],
        env,
      );
      expect(added.stderr).toBe('');
      expect(added.code).toBe(0);
      const tail = await runCli(['audit', 'tail', '-n', '5', '--json'], env);
      const events = JSON.parse(tail.stdout) as { action: string; actor: string }[];
      const created = events.find((event) => event.action === 'organisation.created');
      expect(created?.actor).toMatch(/^principal:/);
      expect((await runCli(['audit', 'verify'], env)).code).toBe(0);
    } finally {
      expect(await stopProcess(serve.child)).toBe(0);
    }
    expect(existsSync(path.join(dataDir, 'alliage.lock'))).toBe(false);
  });

  it('catches a changed byte (exit 1 naming the seq) and deleted newest rows (with a checkpoint)', async () => {
    const checkpoint = path.join(dataDir, 'checkpoint.asc');
    const checkpointed = await runCli(['audit', 'checkpoint', '--out', checkpoint, '--json'], env);
    expect(checkpointed.code).toBe(0);
    const checkpointSeq = (JSON.parse(checkpointed.stdout) as { checkpoint: { seq: number } })
      .checkpoint.seq;
    expect((await runCli(['audit', 'verify', '--checkpoint', checkpoint], env)).code).toBe(0);

    const db = await PGlite.create(path.join(dataDir, 'pglite'));
    try {
      await db.exec('ALTER TABLE audit_events DISABLE TRIGGER ALL');
      await db.exec(`UPDATE audit_events SET actor = actor || 'x' WHERE seq = 3`);
      await db.exec('ALTER TABLE audit_events ENABLE TRIGGER ALL');
    } finally {
      await db.close();
    }
    const broken = await runCli(['audit', 'verify', '--json'], env);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, firstBadSeq: 3 });
    expect((await runCli(['audit', 'verify'], env)).stdout).toContain('seq 3');

    // Undo the change, then delete the newest rows: the chain alone still verifies.
    const repair = await PGlite.create(path.join(dataDir, 'pglite'));
    try {
      await repair.exec('ALTER TABLE audit_events DISABLE TRIGGER ALL');
      await repair.exec(
        `UPDATE audit_events SET actor = left(actor, length(actor) - 1) WHERE seq = 3`,
      );
      // Down to the checkpointed event: verifications since then appended their own events.
      await repair.exec(`DELETE FROM audit_events WHERE seq >= ${checkpointSeq}`);
      await repair.exec('ALTER TABLE audit_events ENABLE TRIGGER ALL');
    } finally {
      await repair.close();
    }
    expect((await runCli(['audit', 'verify'], env)).code).toBe(0);
    const truncated = await runCli(['audit', 'verify', '--checkpoint', checkpoint, '--json'], env);
    expect(truncated.code).toBe(1);
    expect(JSON.parse(truncated.stdout).ok).toBe(false);
  });
});
