import type { TPoolClaimant, TPoolClaimDecision, TPoolRegistration } from './decide-pool-claim.ts';

/**
 * The operator's message for a refused pool claim: which data directory, which pool,
 * and what to do.
 *
 * @example
 * describePoolClaimRefusal({ action: 'refuse', reason: 'pool_missing' }, registration, claimant)
 * // 'the data directory /srv/b has no pool, but the platform's pool ... '
 */
export function describePoolClaimRefusal(
  decision: Extract<TPoolClaimDecision, { action: 'refuse' }>,
  registration: TPoolRegistration,
  claimant: TPoolClaimant,
): string {
  const registered = `the platform's pool ${registration.poolId} (registered from the data directory ${registration.dataDir})`;
  const adopt =
    'only if that pool is lost for good, make this one the platform\'s with `alliage pool adopt --confirm` (docs/operations.md, "One pool")';
  switch (decision.reason) {
    case 'pool_missing':
      return `the data directory ${claimant.dataDir} has no pool, but the control plane uses ${registered}: point ALLIAGE_DATA_DIR at that data directory or restore the pool from its backup; ${adopt}`;
    case 'other_pool':
      return `the pool in the data directory ${claimant.dataDir} (${claimant.poolId}) is not ${registered}: one pool per platform, so run the jobs from that data directory or restore its backup here; ${adopt}`;
    case 'leased': {
      const lease = decision.lease;
      const holder = lease
        ? `host ${lease.host}, data directory ${lease.dataDir}, until ${lease.expiresAt.toISOString()}`
        : 'another process';
      return `the pool is in use by another job-running process (${holder}): run one job-running process per pool; if that process has stopped, start this one once its lease has expired`;
    }
  }
}
