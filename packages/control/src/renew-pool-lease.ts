import type { ControlContext } from './control-context.ts';

/**
 * Extends the pool lease `ownerId` holds by `leaseMs` from now; false when it no longer
 * holds it (another process took it over after it expired).
 *
 * @example
 * if (!(await renewPoolLease(ctx, ownerId, 90_000))) logger.error('pool lease lost');
 */
export async function renewPoolLease(
  ctx: ControlContext,
  ownerId: string,
  leaseMs: number,
): Promise<boolean> {
  const result = await ctx.db
    .updateTable('pool_registration')
    .set({ lease_expires_at: new Date(ctx.clock().getTime() + leaseMs) })
    .where('lease_owner', '=', ownerId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
