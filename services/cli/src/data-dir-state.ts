import { existsSync } from 'node:fs';
import path from 'node:path';

/** Whether an admin command only reads the platform or may change it. */
export type TCommandAccess = 'read' | 'write';

/** What the data directory holds before a command opens it. */
export interface TDataDirState {
  dataDir: string;
  /** `secrets/` exists: some process already opened a platform here. */
  initialised: boolean;
  /** `pglite/` exists: the embedded control plane lives here. */
  hasEmbeddedControlPlane: boolean;
  /** The control plane is PostgreSQL (`DATABASE_URL`), not in the data directory. */
  externalControlPlane: boolean;
}

/** What to do about the data directory before a command runs. */
export type TDataDirDecision =
  | { action: 'run'; notice: string | null }
  | { action: 'refuse'; reason: string };

/**
 * Decides how a command treats the data directory, so that a mistyped
 * `ALLIAGE_DATA_DIR` cannot go unnoticed: an embedded platform read from a
 * directory that holds none is refused (there is nothing to read, and opening it
 * would create a platform there); a command that opens a directory never opened
 * before (new secrets: a new HMAC secret, a new PGP key) runs and says so.
 *
 * @example
 * decideDataDirUse({ dataDir: '/srv/aliage', initialised: false, hasEmbeddedControlPlane: false, externalControlPlane: false }, 'read');
 * // → { action: 'refuse', reason: 'no platform in /srv/aliage (ALLIAGE_DATA_DIR) …' }
 */
export function decideDataDirUse(state: TDataDirState, access: TCommandAccess): TDataDirDecision {
  if (access === 'read' && !state.externalControlPlane && !state.hasEmbeddedControlPlane) {
    return {
      action: 'refuse',
      reason:
        `no platform in ${state.dataDir} (ALLIAGE_DATA_DIR): nothing to read there. ` +
        'Check the variable; a platform is created by `npm start` or by a first command that changes it (e.g. `alliage org add`)',
    };
  }
  if (!state.initialised) {
    return {
      action: 'run',
      notice:
        `${state.dataDir} (ALLIAGE_DATA_DIR) held no platform: a new one was created there, with new secrets. ` +
        'If you meant an existing platform, check the variable',
    };
  }
  return { action: 'run', notice: null };
}

/** Reads what `decideDataDirUse` needs from the file system. */
export function readDataDirState(dataDir: string, databaseUrl: string | null): TDataDirState {
  return {
    dataDir,
    initialised: existsSync(path.join(dataDir, 'secrets')),
    hasEmbeddedControlPlane: existsSync(path.join(dataDir, 'pglite')),
    externalControlPlane: databaseUrl !== null,
  };
}
