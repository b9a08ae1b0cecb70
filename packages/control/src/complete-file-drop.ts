import { AppError, type TDropReport, ZDropReport } from '@alliage/domain';
import type { Transaction } from 'kysely';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { type TFileDrop, toFileDrop } from './file-drop.ts';
import { isUniqueViolation } from './is-unique-violation.ts';
import type { ControlSchema } from './schema.ts';
import { selectFileDrops } from './select-file-drop.ts';

const ACTION_BY_STATUS = {
  accepted: 'file.accepted',
  rejected: 'file.rejected',
  duplicate: 'file.duplicate',
  abandoned: 'file.abandoned',
} as const;

/**
 * Records the outcome of a drop from its report and appends `file.accepted`,
 * `file.rejected`, `file.duplicate` or `file.abandoned` with counts and codes. `options.withinTransaction` lets the
 * caller commit its own staged work (e.g. the pool load) in the same transaction.
 * A second accepted drop with the same SHA-256 turns into `duplicate`. A finished drop
 * is a `conflict`, but for an abandoned one with `overAbandoned`.
 */
export async function completeFileDrop(
  ctx: ControlContext,
  actor: TActor,
  report: TDropReport,
  options: {
    /** Where the encrypted file now lives, when processing moved it. */
    storagePath?: string;
    /**
     * The outcome was committed elsewhere already (an accepted drop's pool load or
     * repoussoir entries): it finishes even a drop given up on (`abandoned`) while the
     * attempt ran, so the drop says what the platform holds of it.
     */
    overAbandoned?: boolean;
    withinTransaction?: (trx: Transaction<ControlSchema>) => Promise<void>;
  } = {},
): Promise<TFileDrop> {
  const fields = ZDropReport.parse(report);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const now = ctx.clock();
      const updated = await trx
        .updateTable('file_drops')
        .set({
          status: fields.status,
          file_kind: fields.kind,
          signer_fingerprint: fields.signerFingerprint,
          row_count: fields.rows?.total ?? null,
          rejected_row_count: fields.rows?.rejected ?? null,
          rejection_reason: fields.rejection?.reason ?? null,
          duplicate_of: fields.duplicateOf,
          report: JSON.stringify(fields),
          ...(options.storagePath ? { storage_path: options.storagePath } : {}),
          finished_at: now,
          updated_at: now,
        })
        .where('id', '=', fields.fileDropId)
        .where(
          'status',
          'in',
          options.overAbandoned
            ? ['received', 'processing', 'abandoned']
            : ['received', 'processing'],
        )
        .returning('id')
        .executeTakeFirst();
      if (!updated)
        throw new AppError('conflict', `file drop ${fields.fileDropId} is already finished`);
      const row = await selectFileDrops(trx)
        .where('file_drops.id', '=', fields.fileDropId)
        .executeTakeFirstOrThrow();
      const drop = toFileDrop(row);
      await options.withinTransaction?.(trx);
      await appendAuditEvent(trx, ctx.clock, {
        action: ACTION_BY_STATUS[fields.status],
        actor,
        objectType: 'file_drop',
        objectId: drop.id,
        organisationCode: drop.organisationCode,
        details: {
          kind: fields.kind,
          sha256: fields.sha256,
          signerFingerprint: fields.signerFingerprint,
          rows: fields.rows,
          rejectionReason: fields.rejection?.reason ?? null,
          duplicateOf: fields.duplicateOf,
          ...(fields.abandonment
            ? {
                attempts: fields.abandonment.attempts,
                // The platform's own code of the last failure, for compliance and operators.
                lastErrorCode: drop.lastErrorCode,
              }
            : {}),
        },
      });
      return drop;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'file_drops_accepted_sha256')) {
      throw new AppError('conflict', 'a drop with the same SHA-256 was accepted meanwhile', {
        retry: true,
      });
    }
    throw error;
  }
}
