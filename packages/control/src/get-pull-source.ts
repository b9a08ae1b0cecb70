import type { ControlContext } from './control-context.ts';
import { selectPullSources, type TPullSource, toPullSource } from './pull-source.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

/**
 * The pull source of a member, or null when its files are dropped over SFTP only.
 *
 * @example
 * const source = await getPullSource(ctx, 'M01');
 */
export async function getPullSource(
  ctx: ControlContext,
  memberCode: string,
): Promise<TPullSource | null> {
  const member = await selectOrganisationRow(ctx.db, memberCode, { memberOnly: true });
  const row = await selectPullSources(ctx.db)
    .where('pull_sources.organisation_id', '=', member.id)
    .executeTakeFirst();
  return row ? toPullSource(row) : null;
}
