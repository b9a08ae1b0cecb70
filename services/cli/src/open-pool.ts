import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TConfig } from '@alliage/config';
import {
  type ControlContext,
  claimPool,
  readPoolRegistration,
  releasePoolLease,
  renewPoolLease,
  SYSTEM_ACTOR,
  type TActor,
  type TPoolClaim,
} from '@alliage/control';
import {
  AppError,
  decidePoolClaim,
  describePoolClaimRefusal,
  isAppError,
  type TPoolClaimant,
} from '@alliage/domain';
import { deliverPoolAuditOutbox } from '@alliage/pool';
import { openWarehouse, readPoolId, type TWarehouse } from '@alliage/warehouse';
import type { Logger } from 'pino';
import type { TPlatformSecrets } from './ensure-platform-secrets.ts';

/** How long a pool lease lasts unless renewed: how long a crashed owner elsewhere blocks a start. */
export const POOL_LEASE_MS = 90_000;

/** Where the pool's DuckDB file lives in the data directory. */
export function poolDatabasePath(config: TConfig): string {
  return path.join(config.dataDir, 'pool', 'pool.duckdb');
}

export interface OpenPoolOptions {
  /** Make this data directory's pool the platform's (`alliage pool adopt --confirm`). */
  adopt?: boolean;
  /** Who adopts or registers the pool, for the audit chain (default: the platform). */
  actor?: TActor;
  /** Lease length (tests); renewed every third of it. */
  leaseMs?: number;
  /** Told how the claim went (registered, adopted or the registered pool opened). */
  onClaim?: (claim: TPoolClaim) => void;
}

/**
 * Opens the pool (DuckDB) as its one writer, encrypted at rest when DuckDB's
 * OpenSSL crypto is available; says loudly when it is not. Before any job, claims it
 * in the control plane (`claimPool`): a pool that is not the platform's registered
 * one, a data directory with no pool while one is registered (refused before a new
 * pool file is created), or a pool leased by a running process elsewhere is refused
 * with a `conflict` saying what to do. The lease is renewed while the pool is open and
 * given back by `close`. Then delivers the audit events a process that died after a
 * pool commit left in the pool's outbox (`deliverPoolAuditOutbox`); should that fail,
 * the next pool build or erasure delivers them first.
 *
 * @example
 * const warehouse = await openPool(config, platform, logger);
 */
export async function openPool(
  config: TConfig,
  platform: { ctx: ControlContext; secrets: Pick<TPlatformSecrets, 'poolEncryptionKey'> },
  logger: Logger,
  options: OpenPoolOptions = {},
): Promise<TWarehouse> {
  const { ctx } = platform;
  const databasePath = poolDatabasePath(config);
  const leaseMs = options.leaseMs ?? POOL_LEASE_MS;
  const claimant: TPoolClaimant = {
    poolId: null,
    ownerId: randomUUID(),
    host: os.hostname(),
    dataDir: path.resolve(config.dataDir),
    adopt: options.adopt ?? false,
  };
  if (!existsSync(databasePath)) {
    // Opening would create a new, empty pool: not while the platform has its pool.
    const registration = await readPoolRegistration(ctx.db);
    const decision = decidePoolClaim(registration, claimant, ctx.clock());
    if (decision.action === 'refuse' && registration) {
      throw new AppError('conflict', describePoolClaimRefusal(decision, registration, claimant));
    }
  }
  const warehouse = await openWarehouse({
    databasePath,
    encryptionKey: platform.secrets.poolEncryptionKey,
    extensionDirectory: config.pool.extensionDirectory,
    memoryLimit: config.pool.memoryLimit,
    checkpointThreshold: config.pool.checkpointThreshold,
    threads: config.pool.threads,
    logger: logger.child({ component: 'pool' }),
  });
  try {
    const poolId = await readPoolId(warehouse);
    const claim = await claimPool(
      ctx,
      { ...claimant, poolId },
      { leaseMs, actor: options.actor ?? SYSTEM_ACTOR },
    );
    options.onClaim?.(claim);
    if (claim.action === 'register')
      logger.info({ poolId }, 'pool registered as the platform pool');
    if (claim.action === 'adopt') {
      logger.warn(
        { poolId, previousPoolId: claim.previousPoolId },
        'pool adopted as the platform pool',
      );
    }
  } catch (error) {
    await warehouse.close();
    throw error;
  }
  const stopRenewing = renewLease(platform, claimant.ownerId, leaseMs, logger);
  const closeWarehouse = warehouse.close.bind(warehouse);
  warehouse.close = async () => {
    stopRenewing();
    await closeWarehouse();
    try {
      await releasePoolLease(ctx, claimant.ownerId);
    } catch {
      // The lease then expires on its own.
    }
  };
  try {
    const delivered = await deliverPoolAuditOutbox({ ctx, warehouse });
    if (delivered > 0) logger.info({ delivered }, 'pool audit events left by a crash delivered');
  } catch (error) {
    logger.warn(
      { code: isAppError(error) ? error.code : 'internal' },
      'pool audit events left by a crash could not be delivered yet; the next pool job retries',
    );
  }
  return warehouse;
}

/**
 * Renews the pool lease every third of its length; never keeps the process alive.
 * A lease found taken over (this process stalled past its expiry and another started)
 * is logged as an error: two processes then write two pools.
 */
function renewLease(
  platform: { ctx: ControlContext },
  ownerId: string,
  leaseMs: number,
  logger: Logger,
): () => void {
  const timer = setInterval(
    () => {
      renewPoolLease(platform.ctx, ownerId, leaseMs)
        .then((held) => {
          if (!held) {
            logger.error(
              'the pool lease was taken over by another process: stop this one (one job-running process per pool)',
            );
          }
        })
        .catch((error: unknown) => {
          logger.warn(
            { err: error instanceof Error ? error.name : 'unknown' },
            'the pool lease could not be renewed; trying again',
          );
        });
    },
    Math.max(1, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}
