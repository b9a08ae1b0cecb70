import { stat } from 'node:fs/promises';
import { AppError } from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { type TFileDrop, toFileDrop } from './file-drop.ts';
import { findAcceptedFileDrop } from './find-accepted-file-drop.ts';
import { isUuid } from './is-uuid.ts';
import { selectFileDrops } from './select-file-drop.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

/**
 * Puts a drop the platform gave up on (`abandoned`) back to `received`, for intake to try
 * again once its cause is fixed: attempts from zero, the last error code and the report
 * cleared, `retried_at` set (the stuck and abandoned thresholds count from it). Appends
 * `file.retried` with what the given-up drop had come to. Refused (conflict) for a drop
 * that is not abandoned, whose encrypted file is no longer on the platform (finished
 * drops' files go after `ALLIAGE_DROP_FILE_RETENTION_DAYS`), or whose bytes the member
 * has sent again and had accepted since (that drop holds them). Queueing the drop
 * (`fileDropJobId`) and role checks are the caller's.
 *
 * @example
 * const drop = await retryFileDrop(ctx, operator, fileDropId);
 */
export async function retryFileDrop(
  ctx: ControlContext,
  actor: TActor,
  fileDropId: string,
): Promise<TFileDrop> {
  if (!isUuid(fileDropId)) throw new AppError('not_found', `file drop ${fileDropId} not found`);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await selectFileDrops(trx)
      .where('file_drops.id', '=', fileDropId)
      .forUpdate('file_drops')
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `file drop ${fileDropId} not found`);
    const drop = toFileDrop(row);
    if (drop.status !== 'abandoned') {
      throw new AppError(
        'conflict',
        `file drop ${drop.id} is ${drop.status}: only a drop the platform gave up on (abandoned) is retried`,
      );
    }
    const member = await selectOrganisationRow(trx, drop.organisationCode);
    if (member.status !== 'active') {
      throw new AppError(
        'conflict',
        `file drop ${drop.id} cannot be retried: member ${drop.organisationCode} is ${member.status}`,
      );
    }
    const stored = await stat(drop.storagePath).then(
      (stats) => stats.isFile(),
      () => false,
    );
    if (!stored) {
      throw new AppError(
        'conflict',
        `file drop ${drop.id} cannot be retried: its encrypted file is no longer on the platform (finished drops' files are deleted after ALLIAGE_DROP_FILE_RETENTION_DAYS); the member must send it again`,
      );
    }
    const accepted = await findAcceptedFileDrop(
      { ...ctx, db: trx },
      drop.organisationId,
      drop.sha256,
    );
    if (accepted) {
      throw new AppError(
        'conflict',
        `file drop ${drop.id} needs no retry: the member sent the same file again, and drop ${accepted.id} accepted it`,
      );
    }
    const now = ctx.clock();
    const updated = await trx
      .updateTable('file_drops')
      .set({
        status: 'received',
        attempts: 0,
        last_error_code: null,
        report: null,
        finished_at: null,
        retried_at: now,
        updated_at: now,
      })
      .where('id', '=', drop.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'file.retried',
      actor,
      objectType: 'file_drop',
      objectId: updated.id,
      organisationCode: drop.organisationCode,
      details: {
        previousAttempts: drop.attempts,
        lastErrorCode: drop.lastErrorCode,
        abandonedAt: drop.finishedAt?.toISOString() ?? null,
        sha256: drop.sha256,
      },
    });
    return toFileDrop({ ...updated, organisation_code: drop.organisationCode });
  });
}
