import { PULL_SCHEDULE_SLACK_MS } from '@alliage/domain';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { ControlContext } from './control-context.ts';
import { selectPullSources, type TPullSource, toPullSource } from './pull-source.ts';

/**
 * `isPullSourceDue` in SQL, on the `pull_sources` row in scope: enabled, scheduled,
 * and never run or last run at least `interval_minutes` (less the slack) before `now`.
 */
export function pullSourceDueCondition(now: Date): Expression<SqlBool> {
  return sql<SqlBool>`(
    pull_sources.enabled
    AND pull_sources.interval_minutes IS NOT NULL
    AND (
      pull_sources.last_run_at IS NULL
      OR pull_sources.last_run_at <= ${now}::timestamptz
        - pull_sources.interval_minutes * interval '1 minute'
        + ${PULL_SCHEDULE_SLACK_MS} * interval '1 millisecond'
    )
  )`;
}

/**
 * Scheduled pull sources due at `now` (see `isPullSourceDue`), of active members
 * only, longest waiting first. Claim each with `claimPullSourceRun` before pulling.
 *
 * @example
 * for (const source of await listDuePullSources(ctx, ctx.clock())) { ... }
 */
export async function listDuePullSources(ctx: ControlContext, now: Date): Promise<TPullSource[]> {
  const rows = await selectPullSources(ctx.db)
    .where('organisations.status', '=', 'active')
    .where(pullSourceDueCondition(now))
    .orderBy(sql`pull_sources.last_run_at ASC NULLS FIRST`)
    .orderBy('organisations.code')
    .execute();
  return rows.map(toPullSource);
}
