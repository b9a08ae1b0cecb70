import type { TAlert } from './alert.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { raiseAlert } from './raise-alert.ts';

/** Denials of one principal counted together, and how long its alert stays the only one. */
export const DENIED_ACCESS_WINDOW_MS = 10 * 60_000;

/** `ctx.alerts.deniedAccessThreshold` when the context sets none. */
export const DEFAULT_DENIED_ACCESS_THRESHOLD = 5;

/**
 * Counts the `access.denied` events of `actor`'s principal in the last 10 minutes
 * and, from `ctx.alerts.deniedAccessThreshold` on, raises `access_denied_repeated`
 * (details: principalId and count) — at most one alert per principal per
 * window. Call it right after recording a denial; null when nothing was raised.
 *
 * @example
 * await appendAuditEvent(ctx.db, ctx.clock, { action: 'access.denied', actor, ... });
 * await raiseRepeatedDenialAlert(ctx, actor);
 */
export async function raiseRepeatedDenialAlert(
  ctx: ControlContext,
  actor: TActor,
): Promise<TAlert | null> {
  if (actor.principalId === null) return null;
  const threshold = ctx.alerts?.deniedAccessThreshold ?? DEFAULT_DENIED_ACCESS_THRESHOLD;
  const since = new Date(ctx.clock().getTime() - DENIED_ACCESS_WINDOW_MS);
  // The actor column names the principal (`principal:<uuid>`); (action, seq) is indexed.
  const row = await ctx.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .where('action', '=', 'access.denied')
    .where('actor', '=', actor.ref)
    .where('occurred_at', '>', since)
    .executeTakeFirst();
  const count = Number(row?.count ?? 0);
  if (count < threshold) return null;
  const { alert, raised } = await raiseAlert(ctx, actor, {
    kind: 'access_denied_repeated',
    severity: 'warning',
    details: {
      principalId: actor.principalId,
      count,
      windowMinutes: DENIED_ACCESS_WINDOW_MS / 60_000,
    },
    organisationCode: actor.organisationCode,
    dedupe: { detailKey: 'principalId', withinMs: DENIED_ACCESS_WINDOW_MS },
  });
  return raised ? alert : null;
}
