import { AppError } from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { TActor, TClock, TExecutor } from './control-context.ts';
import type { TFileDrop } from './file-drop.ts';
import type { TRemoteFile } from './has-pulled-file.ts';
import { isUniqueViolation } from './is-unique-violation.ts';

/**
 * Records that `drop` was fetched from the member's server and appends
 * `file.pulled`, inside `executor`'s transaction: run it in the enqueue callback of
 * `registerFileDrop`, so a drop exists if and only if its pull is recorded. A file
 * recorded already (a concurrent pull won) raises AppError `conflict`, rolling the
 * drop back.
 *
 * @example
 * await registerFileDrop(ctx, actor, input, async (drop, trx) => {
 *   await recordPulledFile(trx, ctx.clock, actor, drop, remoteFile);
 *   await queue.enqueue('intake.process-file', { fileDropId: drop.id }, { jobId: drop.id });
 * });
 */
export async function recordPulledFile(
  executor: TExecutor,
  clock: TClock,
  actor: TActor,
  drop: TFileDrop,
  file: Omit<TRemoteFile, 'organisationId'>,
): Promise<void> {
  try {
    await executor
      .insertInto('pulled_files')
      .values({
        organisation_id: drop.organisationId,
        remote_path: file.remotePath,
        remote_size: file.remoteSize,
        remote_mtime: file.remoteMtime,
        file_drop_id: drop.id,
        pulled_at: clock(),
      })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error, 'pulled_files_remote_identity')) {
      throw new AppError('conflict', `this file of ${drop.organisationCode} was pulled already`, {
        cause: error,
      });
    }
    throw error;
  }
  await appendAuditEvent(executor, clock, {
    action: 'file.pulled',
    actor,
    objectType: 'file_drop',
    objectId: drop.id,
    organisationCode: drop.organisationCode,
    details: { sizeBytes: drop.sizeBytes },
  });
}
