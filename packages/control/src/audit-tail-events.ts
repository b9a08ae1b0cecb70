import { appendAuditEvent } from './audit-append-event.ts';
import type { TAuditEvent } from './audit-event.ts';
import { listLatestAuditEvents } from './audit-list-latest-events.ts';
import type { ControlContext, TActor } from './control-context.ts';

/**
 * The newest `count` audit events (1..1000), oldest first, read by `actor`: the read is
 * recorded (`audit.read`, via `tail`, with the count asked and shown), whether through
 * the API or directly on the data directory.
 *
 * @example
 * const tail = await tailAuditEvents(ctx, actor, 20);
 */
export async function tailAuditEvents(
  ctx: ControlContext,
  actor: TActor,
  count: number,
): Promise<TAuditEvent[]> {
  const events = await listLatestAuditEvents(ctx, count);
  await appendAuditEvent(ctx.db, ctx.clock, {
    action: 'audit.read',
    actor,
    details: { via: 'tail', n: count, eventCount: events.length },
  });
  return events;
}
