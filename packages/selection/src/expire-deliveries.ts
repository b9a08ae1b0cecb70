import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  type ControlContext,
  listExpiredDeliveries,
  markDeliveryExpired,
  SYSTEM_ACTOR,
} from '@alliage/control';

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
  for (const delivery of expired) {
    if (delivery.fileName) {
      await rm(path.join(options.sftpRoot, delivery.clientOrgCode, 'out', delivery.fileName), {
        force: true,
      });
    }
    await markDeliveryExpired(options.ctx, SYSTEM_ACTOR, delivery.id);
  }
  return expired.length;
}
