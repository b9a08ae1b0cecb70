import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TConfig } from '@alliage/config';
import {
  type ControlContext,
  checkPoolClaim,
  claimPool,
  readPoolRegistration,
  releasePoolLease,
  renewPoolLease,
  SYSTEM_ACTOR,
  type TActor,
  type TPoolClaim,
} from '@alliage/control';
import { AppError, isAppError, type TPoolClaimant } from '@alliage/domain';
import { deliverPoolAuditOutbox } from '@alliage/pool';
import {
  openWarehouse,
  readPoolId,
  readPoolIdBeforeMigrations,
  type TWarehouse,
} from '@alliage/warehouse';
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
  /** How often the lease is renewed (tests); a third of `leaseMs` by default. */
  renewEveryMs?: number;
  /** Told how the claim went (registered, adopted or the registered pool opened). */
  onClaim?: (claim: TPoolClaim) => void;
  /**
   * Told once when the lease is found taken over by another process: the pool then
   * refuses every new write (`withWriter`, `connect`, `confirmOwnership` throw) and the
   * caller must stop its jobs and exit.
   */
  onLeaseLost?: (error: AppError) => void;
}

/** The file, in the pool's folder, naming the process instance that last claimed it from there. */
export function poolOwnerRecordPath(config: TConfig): string {
  return path.join(config.dataDir, 'pool', 'lease-owner');
}

/**
 * Opens the pool (DuckDB) as its one writer, encrypted at rest when DuckDB's
 * OpenSSL crypto is available; says loudly when it is not. Before any job, claims it
 * in the control plane (`claimPool`): a pool that is not the platform's registered
 * one, a data directory with no pool while one is registered (refused before a new
 * pool file is created), or a pool leased by a running process elsewhere is refused
 * with a `conflict` saying what to do. A pool that has an ID is checked before its
 * migrations run, so another platform's pool is refused as it was found. The lease
 * is renewed while the pool is open and given back by `close` (and when anything
 * after the claim fails). Losing it (`onLeaseLost`) closes the pool to writes. Then
 * delivers the audit events a process that died after a pool commit left in the
 * pool's outbox (`deliverPoolAuditOutbox`); should that fail, the next pool build or
 * erasure delivers them first.
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
  const ownerRecord = poolOwnerRecordPath(config);
  const leaseMs = options.leaseMs ?? POOL_LEASE_MS;
  const claimant: TPoolClaimant = {
    poolId: null,
    // Drawn at each start: two processes never share it, whatever their host and path.
    ownerId: randomUUID(),
    host: os.hostname(),
    dataDir: path.resolve(config.dataDir),
    previousOwnerId: null,
    adopt: options.adopt ?? false,
  };
  const refuseUnlessClaimable = async (poolId: string | null) => {
    checkPoolClaim(await readPoolRegistration(ctx.db), { ...claimant, poolId }, ctx.clock());
  };
  const existed = existsSync(databasePath);
  // Opening would create a new, empty pool: not while the platform has its pool.
  if (!existed) await refuseUnlessClaimable(null);
  const warehouse = await openWarehouse({
    databasePath,
    encryptionKey: platform.secrets.poolEncryptionKey,
    extensionDirectory: config.pool.extensionDirectory,
    memoryLimit: config.pool.memoryLimit,
    checkpointThreshold: config.pool.checkpointThreshold,
    threads: config.pool.threads,
    logger: logger.child({ component: 'pool' }),
    beforeMigrate: async (connection) => {
      if (!existed) return;
      // This process now holds the pool file: the instance this data directory last
      // recorded no longer has it open (it stopped or crashed).
      claimant.previousOwnerId = readOwnerRecord(ownerRecord);
      const poolId = await readPoolIdBeforeMigrations(connection);
      // A pool from before pool IDs gets one from its migrations, and is checked then.
      if (poolId !== null) await refuseUnlessClaimable(poolId);
    },
  });
  let claimed = false;
  let lease: TLeaseKeeper | null = null;
  try {
    const poolId = await readPoolId(warehouse);
    const claim = await claimPool(
      ctx,
      { ...claimant, poolId },
      { leaseMs, actor: options.actor ?? SYSTEM_ACTOR },
    );
    claimed = true;
    writeFileSync(ownerRecord, `${claimant.ownerId}\n`, { mode: 0o600 });
    options.onClaim?.(claim);
    if (claim.action === 'register')
      logger.info({ poolId }, 'pool registered as the platform pool');
    if (claim.action === 'adopt') {
      logger.warn(
        { poolId, previousPoolId: claim.previousPoolId },
        'pool adopted as the platform pool',
      );
    }
    lease = keepLease(ctx, claimant.ownerId, {
      leaseMs,
      renewEveryMs: options.renewEveryMs ?? Math.max(1, Math.floor(leaseMs / 3)),
      logger,
      onLost: (error) => options.onLeaseLost?.(error),
    });
    guardWrites(warehouse, lease);
  } catch (error) {
    await lease?.stop();
    await warehouse.close();
    // A claim taken but not used would block a start elsewhere until it expires.
    if (claimed) await releasePoolLease(ctx, claimant.ownerId).catch(() => undefined);
    throw error;
  }
  const keeper = lease;
  const closeWarehouse = warehouse.close.bind(warehouse);
  let closing: Promise<void> | null = null;
  warehouse.close = () => {
    closing ??= (async () => {
      // No renewal runs past this point: one in flight would report a false takeover.
      await keeper.stop();
      await closeWarehouse();
      try {
        await releasePoolLease(ctx, claimant.ownerId);
      } catch {
        // The lease then expires on its own.
      }
    })();
    return closing;
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

/** The instance ID the data directory recorded at its last claim, or null. */
function readOwnerRecord(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** The lease of a process that opened the pool, kept while it runs. */
interface TLeaseKeeper {
  /** The loss, once the lease was found taken over; null while it is held. */
  lost(): AppError | null;
  /** Renews the lease now; throws (and reports the loss) when it was taken over. */
  confirm(): Promise<void>;
  /** Stops renewing, once any renewal in flight has settled. */
  stop(): Promise<void>;
}

/**
 * Renews the pool lease every `renewEveryMs`; never keeps the process alive. A lease
 * found taken over (this process stalled past its expiry and another started) is
 * logged as an error and reported once to `onLost`: two processes would then write
 * two pools.
 */
function keepLease(
  ctx: ControlContext,
  ownerId: string,
  options: {
    leaseMs: number;
    renewEveryMs: number;
    logger: Logger;
    onLost: (error: AppError) => void;
  },
): TLeaseKeeper {
  let loss: AppError | null = null;
  let stopped = false;
  let renewing: Promise<void> | null = null;
  const markLost = (): AppError => {
    if (loss) return loss;
    loss = new AppError(
      'conflict',
      'the pool lease was taken over by another process: this process no longer writes the pool and stops (one job-running process per pool, docs/operations.md "One pool")',
      { retry: true },
    );
    clearInterval(timer);
    options.logger.error(loss.message);
    options.onLost(loss);
    return loss;
  };
  const renew = async (): Promise<boolean> => {
    const held = await renewPoolLease(ctx, ownerId, options.leaseMs);
    if (!held && !stopped) markLost();
    return held || stopped;
  };
  const timer = setInterval(() => {
    if (renewing || loss || stopped) return;
    renewing = renew()
      .then(() => undefined)
      .catch((error: unknown) => {
        options.logger.warn(
          { err: error instanceof Error ? error.name : 'unknown' },
          'the pool lease could not be renewed; trying again',
        );
      })
      .finally(() => {
        renewing = null;
      });
  }, options.renewEveryMs);
  timer.unref();
  return {
    lost: () => loss,
    confirm: async () => {
      if (loss) throw loss;
      if (!(await renew())) throw markLost();
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await renewing;
    },
  };
}

/** Makes the pool refuse every new write once the lease is lost, and check it before a commit. */
function guardWrites(warehouse: TWarehouse, lease: TLeaseKeeper): void {
  const withWriter = warehouse.withWriter.bind(warehouse);
  const connect = warehouse.connect.bind(warehouse);
  const refuseIfLost = () => {
    const loss = lease.lost();
    if (loss) throw loss;
  };
  warehouse.withWriter = (work) =>
    withWriter((connection) => {
      refuseIfLost();
      return work(connection);
    });
  warehouse.connect = async () => {
    refuseIfLost();
    return connect();
  };
  warehouse.confirmOwnership = () => lease.confirm();
}
