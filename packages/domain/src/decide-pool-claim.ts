/** The pool the control plane records as the platform's, and who holds its lease. */
export interface TPoolRegistration {
  poolId: string;
  /** The data directory the pool was registered from (for the error of another one). */
  dataDir: string;
  /** The process holding the lease, while it lasts; null once released. */
  lease: TPoolLease | null;
}

/** A job-running process's claim on the pool, renewed while it runs. */
export interface TPoolLease {
  /** The holding process's instance ID, drawn at each start and kept in its memory. */
  ownerId: string;
  host: string;
  dataDir: string;
  expiresAt: Date;
}

/** The process opening the pool, and what it found in its data directory. */
export interface TPoolClaimant {
  /** The ID stored in this data directory's pool, or null when it has no pool file yet. */
  poolId: string | null;
  /** This process's instance ID, drawn at its start. */
  ownerId: string;
  host: string;
  dataDir: string;
  /**
   * The instance that last claimed the pool from this data directory, as the data
   * directory records it, once this process holds the pool file's lock (so that
   * instance no longer has the pool open); null when unknown.
   */
  previousOwnerId: string | null;
  /** The operator asked to make this pool the platform's (`alliage pool adopt --confirm`). */
  adopt: boolean;
}

/** What opening the pool for jobs may do. */
export type TPoolClaimDecision =
  /** The registered pool: take the lease and run. */
  | { action: 'open' }
  /** No pool registered yet (a new platform, or one from before pool IDs): record this one. */
  | { action: 'register' }
  /** The operator adopts this pool in place of the registered one (audited). */
  | { action: 'adopt'; previousPoolId: string }
  | {
      action: 'refuse';
      reason: 'pool_missing' | 'other_pool' | 'leased';
      /** The lease that blocks, for `leased`. */
      lease?: TPoolLease;
    };

/**
 * Decides whether a process may open its data directory's pool for jobs. The control
 * plane records one pool ID: its pool is the platform's one copy, so a second data
 * directory (another machine, a wrong path, a lost pool file) must not run jobs against
 * it — its pool would silently diverge. A restored backup keeps its ID and passes; a
 * deliberately new pool needs the operator's `adopt`. Whatever the ID, a live lease of
 * another data directory (a running owner elsewhere, even one with a copy of the same
 * pool) refuses; an expired one does not, nor one of the instance this data directory
 * last recorded (`previousOwnerId`, a crashed process here, now that this process holds
 * the pool file it had open). Host and data directory alone prove nothing: two
 * containers on one host may have the same path on two volumes.
 *
 * @example
 * decidePoolClaim(null, { poolId: 'p1', ownerId: 'o1', host: 'h', dataDir: '/d', previousOwnerId: null, adopt: false }, now)
 * // { action: 'register' }
 */
export function decidePoolClaim(
  registration: TPoolRegistration | null,
  claimant: TPoolClaimant,
  now: Date,
): TPoolClaimDecision {
  if (registration === null) return { action: 'register' };
  // Another pool is refused whoever holds the lease: waiting for it would not help.
  if (!claimant.adopt && claimant.poolId === null) {
    return { action: 'refuse', reason: 'pool_missing' };
  }
  if (!claimant.adopt && claimant.poolId !== registration.poolId) {
    return { action: 'refuse', reason: 'other_pool' };
  }
  const lease = registration.lease;
  if (
    lease !== null &&
    lease.ownerId !== claimant.ownerId &&
    lease.expiresAt.getTime() > now.getTime() &&
    !(
      lease.ownerId === claimant.previousOwnerId &&
      lease.host === claimant.host &&
      lease.dataDir === claimant.dataDir
    )
  ) {
    return { action: 'refuse', reason: 'leased', lease };
  }
  if (claimant.poolId !== registration.poolId) {
    return { action: 'adopt', previousPoolId: registration.poolId };
  }
  return { action: 'open' };
}
