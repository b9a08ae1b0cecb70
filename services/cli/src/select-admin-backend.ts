import type { TConfig } from '@alliage/config';
import { AppError } from '@alliage/domain';
import type { AdminBackend } from './admin-backend.ts';
import { readDataDirLock } from './data-dir-lock.ts';
import { readLocalOperatorToken } from './local-operator.ts';

/**
 * Chooses how admin commands reach the platform: over HTTP when a `serve` holds
 * the data directory (it owns the pool, and the PGlite database if any),
 * directly otherwise.
 */
export async function selectAdminBackend(config: TConfig): Promise<AdminBackend> {
  const holder = readDataDirLock(config.dataDir);
  // A running `serve` owns the pool (and, with PGlite, the control plane): go through it.
  if (holder?.kind === 'serve' && holder.url) {
    const token = readLocalOperatorToken(config.dataDir);
    if (!token) {
      throw new AppError(
        'unavailable',
        'the running platform has not written its local operator credential yet',
      );
    }
    // Each backend is loaded when chosen: the direct one brings the control plane's
    // database drivers, which a command going through serve never needs.
    const { createHttpAdminBackend } = await import('./http-admin-backend.ts');
    return createHttpAdminBackend(holder.url, token);
  }
  if (config.databaseUrl || !holder) {
    const { createDirectAdminBackend } = await import('./direct-admin-backend.ts');
    return createDirectAdminBackend(config);
  }
  throw new AppError(
    'locked',
    `data directory ${config.dataDir} is in use by another command (pid ${holder.pid})`,
  );
}
