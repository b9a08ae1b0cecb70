import { AppError } from '@alliage/domain';
import { type TAuditEvent, toAuditEvent } from './audit-event.ts';
import type { ControlContext } from './control-context.ts';

/**
 * The newest `count` audit events (1..1000), oldest first, as `tail` shows them.
 *
 * @example
 * const tail = await listLatestAuditEvents(ctx, 20);
 */
export async function listLatestAuditEvents(
  ctx: ControlContext,
  count: number,
): Promise<TAuditEvent[]> {
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new AppError('validation_failed', 'count of latest audit events must be 1..1000', {
      fields: [{ path: 'count', message: 'must be an integer from 1 to 1000' }],
    });
  }
  const rows = await ctx.db
    .selectFrom('audit_events')
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(count)
    .execute();
  return rows.reverse().map(toAuditEvent);
}
