import type { TConfig } from '@alliage/config';
import { AppError } from '@alliage/domain';
import type { AdminBackend } from './admin-backend.ts';
import { readDataDirLock } from './data-dir-lock.ts';
import { createDirectAdminBackend } from './direct-admin-backend.ts';
import { createHttpAdminBackend } from './http-admin-backend.ts';
import { readLocalOperatorToken } from './local-operator.ts';

/**
 * Chooses how admin commands reach the control plane: over HTTP when a `serve`
 * holds the PGlite data directory, directly otherwise (PostgreSQL allows both
 * processes, so it is always direct).
 */
export async function selectAdminBackend(config: TConfig): Promise<AdminBackend> {
  if (config.databaseUrl) return createDirectAdminBackend(config);
  const holder = readDataDirLock(config.dataDir);
  if (!holder) return createDirectAdminBackend(config);
  if (holder.kind !== 'serve' || !holder.url) {
    throw new AppError(
      'locked',
      `data directory ${config.dataDir} is in use by another command (pid ${holder.pid})`,
    );
  }
  const token = readLocalOperatorToken(config.dataDir);
  if (!token) {
    throw new AppError(
      'unavailable',
      'the running platform has not written its local operator credential yet',
    );
  }
  return createHttpAdminBackend(holder.url, token);
}
