import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decideDataDirUse, readDataDirState, type TDataDirState } from './data-dir-state.ts';

const state = (overrides: Partial<TDataDirState>): TDataDirState => ({
  dataDir: '/srv/aliage',
  initialised: true,
  hasEmbeddedControlPlane: true,
  externalControlPlane: false,
  ...overrides,
});

describe('decideDataDirUse', () => {
  it('runs any command silently on a platform opened before', () => {
    expect(decideDataDirUse(state({}), 'read')).toEqual({ action: 'run', notice: null });
    expect(decideDataDirUse(state({}), 'write')).toEqual({ action: 'run', notice: null });
  });

  it('refuses to read an embedded platform from a directory that holds none', () => {
    const fresh = state({ initialised: false, hasEmbeddedControlPlane: false });
    const decision = decideDataDirUse(fresh, 'read');
    expect(decision.action).toBe('refuse');
    expect(decision.action === 'refuse' && decision.reason).toMatch(
      /^no platform in \/srv\/aliage \(ALLIAGE_DATA_DIR\): nothing to read there/,
    );
    // Secrets without a control plane (a directory used with PostgreSQL before) hold no
    // embedded platform either.
    expect(decideDataDirUse(state({ hasEmbeddedControlPlane: false }), 'read').action).toBe(
      'refuse',
    );
  });

  it('lets a changing command create a platform, and says so', () => {
    const decision = decideDataDirUse(
      state({ initialised: false, hasEmbeddedControlPlane: false }),
      'write',
    );
    expect(decision).toEqual({
      action: 'run',
      notice: expect.stringMatching(
        /^\/srv\/aliage \(ALLIAGE_DATA_DIR\) held no platform: a new one was created there, with new secrets/,
      ),
    });
  });

  it('reads through PostgreSQL from a new data directory, saying it is new', () => {
    const decision = decideDataDirUse(
      state({ initialised: false, hasEmbeddedControlPlane: false, externalControlPlane: true }),
      'read',
    );
    expect(decision.action).toBe('run');
    expect(decision.action === 'run' && decision.notice).toContain('held no platform');
  });
});

describe('readDataDirState', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('tells an empty directory from an embedded platform', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'alliage-data-dir-state-'));
    expect(readDataDirState(dir, null)).toEqual({
      dataDir: dir,
      initialised: false,
      hasEmbeddedControlPlane: false,
      externalControlPlane: false,
    });
    mkdirSync(path.join(dir, 'secrets'));
    mkdirSync(path.join(dir, 'pglite'));
    expect(readDataDirState(dir, 'postgres://db.invalid/alliage')).toEqual({
      dataDir: dir,
      initialised: true,
      hasEmbeddedControlPlane: true,
      externalControlPlane: true,
    });
    expect(readDataDirState(path.join(dir, 'missing'), null).initialised).toBe(false);
  });
});
