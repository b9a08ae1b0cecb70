import type { ControlContext } from './control-context.ts';
import { pullSourceDueCondition } from './list-due-pull-sources.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

/**
 * Stamps a due source's run at `now` and returns true, or false when it is not due
 * (any more): of several workers ticking at once, exactly one pulls each source.
 *
 * @example
 * if (await claimPullSourceRun(ctx, 'M01', now)) await pullMemberFiles(deps, 'M01');
 */
export async function claimPullSourceRun(
  ctx: ControlContext,
  memberCode: string,
  now: Date,
): Promise<boolean> {
  const member = await selectOrganisationRow(ctx.db, memberCode, { memberOnly: true });
  // One conditional UPDATE: the row lock makes the second claimant re-check the
  // condition against the first one's stamp, and find the source no longer due.
  const claimed = await ctx.db
    .updateTable('pull_sources')
    .set({ last_run_at: now })
    .where('organisation_id', '=', member.id)
    .where(pullSourceDueCondition(now))
    .returning('organisation_id')
    .executeTakeFirst();
  return claimed !== undefined;
}
