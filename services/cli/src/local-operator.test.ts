import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ControlContext } from '@alliage/control';
import { createTestControlDb, type TestControlDb } from '@alliage/control/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ensureLocalOperatorToken,
  localOperatorTokenPath,
  readLocalOperatorToken,
} from './local-operator.ts';
import type { TSecretWarning } from './log-secret-warning.ts';

describe('local operator token', () => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let dataDir: string;
  let tokenFile: string;
  let warnings: TSecretWarning[];
  const warn = (warning: TSecretWarning) => warnings.push(warning);
  const tokenMode = () => statSync(tokenFile).mode & 0o777;

  beforeAll(async () => {
    control = await createTestControlDb('pglite');
    ctx = { db: control.db, clock: () => new Date() };
  });
  afterAll(async () => {
    await control.close();
  });
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'alliage-operator-token-'));
    mkdirSync(path.join(dataDir, 'secrets'), { mode: 0o700 });
    tokenFile = localOperatorTokenPath(dataDir);
    warnings = [];
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('tightens a token file others can read when it reads it, and says so', () => {
    writeFileSync(tokenFile, 'alg_test-token\n', { mode: 0o644 });
    chmodSync(tokenFile, 0o644);

    expect(readLocalOperatorToken(dataDir, { warn })).toBe('alg_test-token');

    expect(tokenMode()).toBe(0o600);
    expect(warnings).toEqual([expect.objectContaining({ file: 'operator.token' })]);
    expect(JSON.stringify(warnings)).not.toContain('alg_test-token');
  });

  it('keeps a working token but tightens it at start', async () => {
    await ensureLocalOperatorToken(ctx, dataDir);
    const token = readFileSync(tokenFile, 'utf8');
    chmodSync(tokenFile, 0o644);

    await ensureLocalOperatorToken(ctx, dataDir, { warn });

    expect(readFileSync(tokenFile, 'utf8')).toBe(token);
    expect(tokenMode()).toBe(0o600);
  });

  it('replaces a stale token with a 0600 one even over a crash leftover of its own pid', async () => {
    writeFileSync(tokenFile, 'alg_revoked\n', { mode: 0o600 });
    // A leftover of an earlier run that had the same pid, readable by others.
    const leftover = `${tokenFile}.tmp-${process.pid}`;
    writeFileSync(leftover, '', { mode: 0o644 });
    chmodSync(leftover, 0o644);

    await ensureLocalOperatorToken(ctx, dataDir, { warn });

    const token = readLocalOperatorToken(dataDir, { warn });
    expect(token).not.toBe('alg_revoked');
    expect(token).toMatch(/^alg_/);
    expect(tokenMode()).toBe(0o600);
    // The leftover is the start's to remove; this write added no temporary file of its own.
    expect(readdirSync(path.dirname(tokenFile)).sort()).toEqual([
      'operator.token',
      path.basename(leftover),
    ]);
  });
});
