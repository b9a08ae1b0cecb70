import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  type ControlContext,
  listExpiredDeliveries,
  markDeliveryExpired,
  SYSTEM_ACTOR,
} from '@alliage/control';
import { AppError } from '@alliage/domain';

/**
 * Deletes every delivery file past its expiry from its client's `out/` and
 * marks the delivery expired (`delivery.expired`), after which downloads are
 * refused. The file goes first: a crash in between leaves a delivery that the
 * next pass marks. Returns the number of deliveries expired.
 *
 * @example
 * await expireDeliveries({ ctx, sftpRoot });
 */
export async function expireDeliveries(options: {
  ctx: ControlContext;
  sftpRoot: string;
}): Promise<number> {
  const expired = await listExpiredDeliveries(options.ctx, options.ctx.clock());
  // One file that cannot be deleted (permissions after a restore) must not keep the others
  // from expiring: the list is oldest first, and it would be first every hour.
  let failed = 0;
  for (const delivery of expired) {
    try {
      if (delivery.fileName) {
        await rm(path.join(options.sftpRoot, delivery.clientOrgCode, 'out', delivery.fileName), {
          force: true,
        });
      }
      await markDeliveryExpired(options.ctx, SYSTEM_ACTOR, delivery.id);
    } catch {
      failed += 1;
    }
  }
  if (failed > 0) {
    throw new AppError(
      'unavailable',
      `${failed} expired deliveries could not be removed (a file system or database error): the others were; the next pass tries again`,
      { retry: true },
    );
  }
  return expired.length;
}
