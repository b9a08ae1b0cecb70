import { AppError, isMember } from '@alliage/domain';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { type TFileDrop, toFileDrop } from './file-drop.ts';
import type { ControlSchema } from './schema.ts';
import { selectFileDrops } from './select-file-drop.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

export const ZFileDropInput = z
  .object({
    organisationCode: z.string(),
    fileName: z.string().min(1).max(255),
    source: z.enum(['sftp', 'pull']),
    sizeBytes: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    storagePath: z.string().min(1),
  })
  .strict();
export type TFileDropInput = z.infer<typeof ZFileDropInput>;

/**
 * Records a received file and runs `enqueue` in the same transaction: if queueing
 * its intake job fails, the row and its `file.received` event roll back, so a
 * drop never exists without its job. (A job whose commit then fails finds no row
 * and does nothing.)
 *
 * @example
 * await registerFileDrop(ctx, actor, input, (drop) => queue.enqueue('intake.process-file', { fileDropId: drop.id }, { jobId: drop.id }));
 */
export async function registerFileDrop(
  ctx: ControlContext,
  actor: TActor,
  input: TFileDropInput,
  enqueue: (drop: TFileDrop, trx: Transaction<ControlSchema>) => Promise<unknown>,
): Promise<TFileDrop> {
  const fields = ZFileDropInput.parse(input);
  return ctx.db.transaction().execute(async (trx) => {
    const organisation = await selectOrganisationRow(trx, fields.organisationCode, {
      memberOnly: true,
    });
    if (!isMember(organisation.kind) || organisation.status !== 'active') {
      throw new AppError('forbidden', `organisation ${organisation.code} may not drop files`);
    }
    const now = ctx.clock();
    const inserted = await trx
      .insertInto('file_drops')
      .values({
        organisation_id: organisation.id,
        file_name: fields.fileName,
        source: fields.source,
        size_bytes: fields.sizeBytes,
        sha256: fields.sha256,
        storage_path: fields.storagePath,
        status: 'received',
        received_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = await selectFileDrops(trx)
      .where('file_drops.id', '=', inserted.id)
      .executeTakeFirstOrThrow();
    const drop = toFileDrop(row);
    await appendAuditEvent(trx, ctx.clock, {
      action: 'file.received',
      actor,
      objectType: 'file_drop',
      objectId: drop.id,
      organisationCode: drop.organisationCode,
      details: {
        source: drop.source,
        sizeBytes: drop.sizeBytes,
        sha256: drop.sha256,
        fileName: drop.fileName,
      },
    });
    await enqueue(drop, trx);
    return drop;
  });
}
