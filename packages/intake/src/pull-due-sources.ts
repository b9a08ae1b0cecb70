import { claimPullSourceRun, listDuePullSources, SYSTEM_ACTOR } from '@alliage/control';
import { isAppError } from '@alliage/domain';
import { type PullDeps, pullMemberFiles } from './pull-member-files.ts';

/** What one scheduler tick did: sources pulled, sources that failed (already audited). */
export interface TScheduledPulls {
  pulled: number;
  failed: number;
}

/**
 * Pulls every scheduled source that is due at `now`, one at a time. Each is
 * claimed first, so several workers ticking together pull it once. A failing
 * source is logged (its run has appended `alert.raised`) and the others go on;
 * this never throws for one source.
 *
 * @example
 * setInterval(() => void pullDueSources(deps, new Date()), 60_000).unref();
 */
export async function pullDueSources(deps: PullDeps, now: Date): Promise<TScheduledPulls> {
  const outcome: TScheduledPulls = { pulled: 0, failed: 0 };
  for (const source of await listDuePullSources(deps.ctx, now)) {
    const organisation = source.organisationCode;
    try {
      if (!(await claimPullSourceRun(deps.ctx, organisation, now))) continue;
      await pullMemberFiles(deps, organisation, SYSTEM_ACTOR);
      outcome.pulled += 1;
    } catch (error) {
      outcome.failed += 1;
      // The AppError message names the member and the cause, never file content.
      deps.logger?.warn(
        isAppError(error)
          ? { organisation, code: error.code, reason: error.message }
          : { organisation, code: 'internal' },
        'scheduled pull failed',
      );
    }
  }
  return outcome;
}
