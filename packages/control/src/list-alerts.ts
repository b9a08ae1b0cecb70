import { type TAlert, toAlert } from './alert.ts';
import type { ControlContext } from './control-context.ts';

/**
 * Alerts, newest first; only those raised at or after `since` when given, and only the
 * open ones (not acknowledged) with `open`.
 *
 * @example
 * const lastDay = await listAlerts(ctx, { since: new Date(Date.now() - 86_400_000) });
 */
export async function listAlerts(
  ctx: ControlContext,
  options: { since?: Date | undefined; open?: boolean | undefined } = {},
): Promise<TAlert[]> {
  let query = ctx.db
    .selectFrom('alerts')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');
  if (options.since !== undefined) query = query.where('created_at', '>=', options.since);
  if (options.open) query = query.where('acknowledged_at', 'is', null);
  return (await query.execute()).map(toAlert);
}
