import { isStuckDrop, STUCK_DROP_ALERT_REPEAT_MS } from '@alliage/domain';
import type { TAlert } from './alert.ts';
import { type ControlContext, SYSTEM_ACTOR } from './control-context.ts';
import type { TFileDrop } from './file-drop.ts';
import { raiseAlert } from './raise-alert.ts';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Raises `drop_stuck` for an unfinished drop past the thresholds of `isStuckDrop`
 * (details: its ID, organisation code, attempts, receipt time, hours unfinished and
 * last error code — never its file name or content). At most one alert per drop
 * for `STUCK_DROP_ALERT_REPEAT_MS`, so the hourly re-dispatch does not raise one an
 * hour, acknowledged or not. Null when the drop is not stuck or its alert is already raised.
 *
 * @example
 * for (const drop of await listPendingFileDrops(ctx)) await raiseStuckDropAlert(ctx, drop);
 */
export async function raiseStuckDropAlert(
  ctx: ControlContext,
  drop: TFileDrop,
): Promise<TAlert | null> {
  const now = ctx.clock();
  if (!isStuckDrop(drop, now)) return null;
  const { alert, raised } = await raiseAlert(ctx, SYSTEM_ACTOR, {
    kind: 'drop_stuck',
    severity: 'warning',
    organisationCode: drop.organisationCode,
    details: {
      reason: 'drop_stuck',
      fileDropId: drop.id,
      organisationCode: drop.organisationCode,
      status: drop.status,
      attempts: drop.attempts,
      receivedAt: drop.receivedAt.toISOString(),
      hoursUnfinished: Math.floor((now.getTime() - drop.receivedAt.getTime()) / HOUR_MS),
      lastErrorCode: drop.lastErrorCode,
    },
    dedupe: { detailKey: 'fileDropId', withinMs: STUCK_DROP_ALERT_REPEAT_MS },
  });
  return raised ? alert : null;
}
