import type { ControlContext } from './control-context.ts';
import { selectPushTargets, type TPushTarget, toPushTarget } from './push-target.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

/**
 * The push target of a client, or null when its deliveries stay in its `out/` only.
 * AppError not_found for an unknown code or an organisation that is no client.
 *
 * @example
 * const target = await getPushTarget(ctx, 'C01');
 */
export async function getPushTarget(
  ctx: ControlContext,
  clientCode: string,
): Promise<TPushTarget | null> {
  const client = await selectOrganisationRow(ctx.db, clientCode, { clientOnly: true });
  const row = await selectPushTargets(ctx.db)
    .where('push_targets.organisation_id', '=', client.id)
    .executeTakeFirst();
  return row ? toPushTarget(row) : null;
}
