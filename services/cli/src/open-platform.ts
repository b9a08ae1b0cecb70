import path from 'node:path';
import type { TConfig } from '@alliage/config';
import {
  type ControlContext,
  type ControlDb,
  checkPlatformSecret,
  createAlertWebhook,
  discardOrphanedRepoussoirImports,
  migrateToLatest,
  openControlDb,
  type TAlertPolicy,
} from '@alliage/control';
import type { Kysely } from 'kysely';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import { ensurePlatformSecrets, type TPlatformSecrets } from './ensure-platform-secrets.ts';
import { hmacSecretCheckValue } from './hmac-secret-check.ts';
import type { TSecretWarn } from './log-secret-warning.ts';

/** An opened control plane with the platform secrets, owned by this process. */
export interface OpenedPlatform {
  control: ControlDb;
  ctx: ControlContext;
  secrets: TPlatformSecrets;
  lock: DataDirLock | null;
  close(): Promise<void>;
}

/**
 * Opens the control plane named by the configuration, migrates it and loads the
 * platform secrets, stopping when the HMAC secret is not the one the platform was
 * started with (`checkPlatformSecret`). With PGlite the data directory is locked first.
 */
export async function openPlatform(
  config: TConfig,
  options: {
    kind: 'serve' | 'cli';
    clock?: () => Date;
    warn?: TSecretWarn;
    /** Skip the HMAC secret's check: only for `platform adopt-hmac-secret`, which replaces it. */
    adoptingHmacSecret?: boolean;
  },
): Promise<OpenedPlatform> {
  // PGlite allows one process per directory; `serve` also owns the pool (DuckDB) in
  // its data directory, so it takes the lock with PostgreSQL too: pool commands then
  // find its URL and go through its API.
  const lock =
    config.databaseUrl && options.kind !== 'serve'
      ? null
      : acquireDataDirLock(config.dataDir, { kind: options.kind, url: null });
  try {
    const secrets = await ensurePlatformSecrets(config, options.warn ? { warn: options.warn } : {});
    const control = await openControlDb({
      databaseUrl: config.databaseUrl,
      pgliteDir: path.join(config.dataDir, 'pglite'),
    });
    await migrateToLatest(control.db as Kysely<unknown>);
    const ctx: ControlContext = {
      db: control.db,
      clock: options.clock ?? (() => new Date()),
      alerts: alertPolicy(config),
    };
    // Another HMAC secret than the platform's would let opted-out and erased people through.
    if (!options.adoptingHmacSecret) {
      try {
        await checkPlatformSecret(ctx, {
          name: 'hmac',
          checkValue: hmacSecretCheckValue(secrets.hmacSecret),
        });
      } catch (error) {
        await control.close();
        throw error;
      }
    }
    // PGlite is this process's alone (the lock above): an import a crashed process left
    // would otherwise keep every repoussoir change waiting until it counts as abandoned.
    if (!config.databaseUrl) await discardOrphanedRepoussoirImports(ctx);
    return {
      control,
      ctx,
      secrets,
      lock,
      close: async () => {
        await control.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/** The alert threshold and, when configured, the webhook every raised alert is sent to. */
function alertPolicy(config: TConfig): TAlertPolicy {
  const webhookUrl = config.alerts.webhookUrl;
  return {
    deniedAccessThreshold: config.alerts.deniedAccessThreshold,
    ...(webhookUrl === null
      ? {}
      : {
          notify: createAlertWebhook({
            url: webhookUrl,
            // Fire and forget: a webhook that is down is logged, never fails the action.
            onError: (error, alert) => {
              process.stderr.write(
                `${JSON.stringify({ level: 'warn', msg: 'alert webhook failed', alertId: alert.id, kind: alert.kind, error: error.message })}\n`,
              );
            },
          }),
        }),
  };
}
