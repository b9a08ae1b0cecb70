import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cliEnv, createTestDataDir, runCli } from '@alliage/cli/testing';
import { openControlDb } from '@alliage/control';
import { storeTestDrop } from '@alliage/control/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('alliage member offboard on embedded defaults (PGlite data directory)', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await createTestDataDir('alliage-offboard-cli-');
    env = cliEnv({ ALLIAGE_DATA_DIR: dataDir });
    for (const code of ['M01', 'M02']) {
      const added = await runCli(
        [
          ...['org', 'add', '--code', code, '--name', `Member ${code}`],
          ...['--kind', 'member', '--sector', 'equipement_maison'],
        ],
        env,
      );
      expect(added.code, added.stderr).toBe(0);
    }
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses without its confirmation, then deletes the member and its encrypted files', async () => {
    // Files intake kept of what the members sent (placeholders), put in place while no
    // process holds the embedded control plane.
    const dropStore = path.join(dataDir, 'drops');
    const control = await openControlDb({ pgliteDir: path.join(dataDir, 'pglite') });
    const ctx = { db: control.db, clock: () => new Date() };
    const m01 = await storeTestDrop(ctx, {
      organisationCode: 'M01',
      dropStore,
      status: 'accepted',
    });
    const m02 = await storeTestDrop(ctx, {
      organisationCode: 'M02',
      dropStore,
      status: 'accepted',
    });
    await control.close();

    const unconfirmed = await runCli(
      ['member', 'offboard', '--member', 'M01', '--delete-only'],
      env,
    );
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('--confirm M01');
    expect(existsSync(path.join(dropStore, 'M01', m01.id))).toBe(true);

    const offboarded = await runCli(
      ['member', 'offboard', '--member', 'M01', '--delete-only', '--confirm', 'M01'],
      env,
    );
    expect(offboarded.code, offboarded.stderr).toBe(0);
    expect(offboarded.stdout).toContain('member M01 offboarded');
    expect(offboarded.stdout).toContain('drop store: 1 encrypted files deleted');
    expect(offboarded.stdout).toContain('certificate recorded as member.offboarded');
    expect(readdirSync(path.join(dropStore, 'M01'))).toEqual([]);
    expect(existsSync(path.join(dropStore, 'M02', m02.id))).toBe(true);

    // Safe to run again; the certificate is machine-readable too.
    const again = await runCli(
      ['member', 'offboard', '--member', 'M01', '--delete-only', '--confirm', 'M01', '--json'],
      env,
    );
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      memberCode: 'M01',
      mode: 'delete_only',
      deleted: { records: 0, dropFiles: 0 },
      dropFilesLeft: 0,
    });
  });
});
