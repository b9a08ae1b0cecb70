import type { TPoolRegistration } from '@alliage/domain';
import type { TExecutor } from './control-context.ts';

/**
 * The pool the platform uses and the lease on it, or null before a pool is registered.
 *
 * @example
 * const registration = await readPoolRegistration(ctx.db);
 */
export async function readPoolRegistration(executor: TExecutor): Promise<TPoolRegistration | null> {
  const row = await executor.selectFrom('pool_registration').selectAll().executeTakeFirst();
  if (!row) return null;
  return {
    poolId: row.pool_id,
    dataDir: row.data_dir,
    lease:
      row.lease_owner && row.lease_expires_at
        ? {
            ownerId: row.lease_owner,
            host: row.lease_host ?? '',
            dataDir: row.lease_data_dir ?? '',
            expiresAt: new Date(row.lease_expires_at),
          }
        : null,
  };
}
