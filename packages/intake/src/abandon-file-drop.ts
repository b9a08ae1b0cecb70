import path from 'node:path';
import { completeFileDrop, raiseAlert, SYSTEM_ACTOR, type TFileDrop } from '@alliage/control';
import {
  isAbandonedDrop,
  isAppError,
  toAbandonedDropReport,
  toStorableDropReport,
} from '@alliage/domain';
import { claimDropFile } from './claim-drop-file.ts';
import { isDropFileUnavailable } from './drop-file-unavailable.ts';
import type { IntakeDeps } from './process-file-drop.ts';
import { writeDropReport } from './write-drop-report.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Gives up on a drop past `isAbandonedDrop`: finishes it `abandoned` (appending
 * `file.abandoned` with its attempts and last error code) and writes its member's report
 * (`reports/<file>.report.json` and `.txt`: not processed for the platform's failures,
 * the file is not at fault, send it again). Its file, if still in the member's inbox,
 * goes into the drop store first (`claimDropFile`). Nothing queues it again. Once it is
 * finished, raises `drop_abandoned` (the drop's earlier `drop_stuck` may have been
 * acknowledged days before). Null when the drop is not to be given up on, or finished
 * meanwhile.
 *
 * @example
 * for (const drop of await listPendingFileDrops(ctx)) await abandonFileDrop(deps, drop);
 */
export async function abandonFileDrop(
  deps: IntakeDeps,
  drop: TFileDrop,
): Promise<TFileDrop | null> {
  const now = deps.ctx.clock();
  if (!isAbandonedDrop(drop, now)) return null;
  // Its attempts may all have failed before moving the file out of the inbox: moved now,
  // it leaves with the other finished drops' files (ALLIAGE_DROP_FILE_RETENTION_DAYS)
  // and frees the name the member is told to send it again under. Before the outcome
  // commits, so that a crash in between leaves a drop the next pass abandons again.
  await claimDropFile(deps.ctx, deps.dropStore, drop).catch((error: unknown) => {
    if (isDropFileUnavailable(error)) return;
    deps.logger?.warn(
      {
        fileDropId: drop.id,
        organisation: drop.organisationCode,
        code: (error as NodeJS.ErrnoException).code ?? null,
      },
      'the file of an abandoned drop could not be moved out of the inbox: it stays there',
    );
  });
  const report = toStorableDropReport(toAbandonedDropReport(drop, now));
  try {
    const abandoned = await completeFileDrop(deps.ctx, SYSTEM_ACTOR, report, {
      // Written once the drop is known unfinished, before the outcome commits: the report
      // never contradicts an outcome an attempt recorded meanwhile.
      withinTransaction: () =>
        writeDropReport(path.join(deps.sftpRoot, drop.organisationCode, 'reports'), report),
    });
    deps.logger?.warn(
      { fileDropId: drop.id, organisation: drop.organisationCode, attempts: drop.attempts },
      'file drop abandoned after repeated failures',
    );
    await raiseAbandonedDropAlert(deps, drop, now);
    return abandoned;
  } catch (error) {
    if (isAppError(error) && error.code === 'conflict' && !error.retry) return null;
    throw error;
  }
}

/**
 * Raises `drop_abandoned` for a drop just finished `abandoned` (IDs, counts and the last
 * error code; never the file name or content). After the outcome committed: a failure
 * to raise it is logged and does not undo the abandonment (`file.abandoned` is in the
 * audit chain either way).
 */
async function raiseAbandonedDropAlert(
  deps: IntakeDeps,
  drop: TFileDrop,
  now: Date,
): Promise<void> {
  try {
    await raiseAlert(deps.ctx, SYSTEM_ACTOR, {
      kind: 'drop_abandoned',
      severity: 'warning',
      organisationCode: drop.organisationCode,
      details: {
        reason: 'drop_abandoned',
        fileDropId: drop.id,
        organisationCode: drop.organisationCode,
        attempts: drop.attempts,
        receivedAt: drop.receivedAt.toISOString(),
        daysUnfinished: Math.floor((now.getTime() - drop.receivedAt.getTime()) / DAY_MS),
        lastErrorCode: drop.lastErrorCode,
      },
    });
  } catch (error) {
    deps.logger?.warn(
      { fileDropId: drop.id, err: error instanceof Error ? error.name : 'unknown' },
      'abandoned drop could not be alerted',
    );
  }
}
