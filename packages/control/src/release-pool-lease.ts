import type { ControlContext } from './control-context.ts';

/**
 * Gives the pool lease `ownerId` holds back, so a process elsewhere may take over at
 * once (a stopped owner; a crashed one's lease just expires).
 *
 * @example
 * await releasePoolLease(ctx, ownerId);
 */
export async function releasePoolLease(ctx: ControlContext, ownerId: string): Promise<void> {
  await ctx.db
    .updateTable('pool_registration')
    .set({ lease_owner: null, lease_host: null, lease_data_dir: null, lease_expires_at: null })
    .where('lease_owner', '=', ownerId)
    .execute();
}
