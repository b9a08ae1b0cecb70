export type { AdminBackend } from './admin-backend.ts';
export { acquireDataDirLock, readDataDirLock } from './data-dir-lock.ts';
export type { TPlatformSecrets } from './ensure-platform-secrets.ts';
export { ensurePlatformSecrets } from './ensure-platform-secrets.ts';
export { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE } from './exit-codes.ts';
