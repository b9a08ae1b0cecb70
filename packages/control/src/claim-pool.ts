import {
  AppError,
  decidePoolClaim,
  describePoolClaimRefusal,
  type TPoolClaimant,
  type TPoolClaimDecision,
  type TPoolRegistration,
} from '@alliage/domain';
import { sql } from 'kysely';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { readPoolRegistration } from './read-pool-registration.ts';

/** A claim that went through: the pool is this process's until its lease lapses. */
export type TPoolClaim = Exclude<TPoolClaimDecision, { action: 'refuse' }>;

/**
 * `decidePoolClaim`, a refusal thrown as the `conflict` that names the data directories
 * and what to do (`describePoolClaimRefusal`). Also run before a pool file is opened, so
 * that a refused one is neither created nor migrated.
 *
 * @example
 * checkPoolClaim(await readPoolRegistration(ctx.db), { ...claimant, poolId }, ctx.clock());
 */
export function checkPoolClaim(
  registration: TPoolRegistration | null,
  claimant: TPoolClaimant,
  now: Date,
): TPoolClaim {
  const decision = decidePoolClaim(registration, claimant, now);
  if (decision.action !== 'refuse') return decision;
  // Only a registered pool can refuse a claim.
  throw new AppError(
    'conflict',
    describePoolClaimRefusal(decision, registration as TPoolRegistration, claimant),
    { retry: false },
  );
}

/**
 * Claims the platform's pool for a job-running process: checks its pool's ID against
 * the one the control plane records and takes the lease (`decidePoolClaim`), in one
 * transaction that holds the registration table so two processes starting together
 * are decided one after the other. Registering the first pool and adopting another
 * are audited (`pool.registered`, `pool.adopted`). A refusal is a `conflict` naming
 * the data directories and what to do.
 *
 * @example
 * await claimPool(ctx, { poolId, ownerId, host, dataDir, previousOwnerId: null, adopt: false }, { leaseMs: 90_000, actor: SYSTEM_ACTOR });
 */
export async function claimPool(
  ctx: ControlContext,
  claimant: TPoolClaimant & { poolId: string },
  options: { leaseMs: number; actor: TActor },
): Promise<TPoolClaim> {
  return ctx.db.transaction().execute(async (trx) => {
    await sql`LOCK TABLE pool_registration IN EXCLUSIVE MODE`.execute(trx);
    const now = ctx.clock();
    const decision = checkPoolClaim(await readPoolRegistration(trx), claimant, now);
    const lease = {
      lease_owner: claimant.ownerId,
      lease_host: claimant.host,
      lease_data_dir: claimant.dataDir,
      lease_expires_at: new Date(now.getTime() + options.leaseMs),
    };
    if (decision.action === 'open') {
      await trx.updateTable('pool_registration').set(lease).execute();
      return decision;
    }
    const pool = { pool_id: claimant.poolId, data_dir: claimant.dataDir, registered_at: now };
    if (decision.action === 'register') {
      await trx
        .insertInto('pool_registration')
        .values({ ...pool, ...lease })
        .execute();
    } else {
      await trx
        .updateTable('pool_registration')
        .set({ ...pool, ...lease })
        .execute();
    }
    await appendAuditEvent(trx, ctx.clock, {
      action: decision.action === 'register' ? 'pool.registered' : 'pool.adopted',
      actor: options.actor,
      details: {
        poolId: claimant.poolId,
        dataDir: claimant.dataDir,
        host: claimant.host,
        ...(decision.action === 'adopt' ? { previousPoolId: decision.previousPoolId } : {}),
      },
    });
    return decision;
  });
}
