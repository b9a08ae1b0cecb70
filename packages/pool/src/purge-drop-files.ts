import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  appendAuditEvent,
  type ControlContext,
  listFileDropsByIds,
  type TActor,
} from '@alliage/control';
import { AppError, DROP_FILE_COPY_SUFFIX, isDropFileDisposable } from '@alliage/domain';
import { listDirectory } from './list-directory.ts';

/** Why drop files are deleted: the daily retention pass, an offboarding, an erasure. */
export type TDropFilePurgeReason = 'retention' | 'offboarding' | 'erasure';

export interface PurgeDropFilesOptions {
  ctx: ControlContext;
  actor: TActor;
  /** Where processed encrypted files are kept: `<dropStore>/<ORG>/<dropId>`. */
  dropStore: string;
  /** Files of drops finished fewer days ago stay (0: every finished drop's file goes). */
  retentionDays: number;
  /** Only this organisation's files (offboarding, erasure); every organisation's otherwise. */
  organisationCode?: string;
  reason: TDropFilePurgeReason;
}

/** What a purge did, in counts. */
export interface TDropFilePurge {
  /** Files of finished drops deleted. */
  removed: number;
  /** Files kept: their drop is not finished, or finished too recently. */
  kept: number;
  /** Files in the store that are no drop's (kept, for an operator to look at). */
  unknown: number;
}

/**
 * Deletes the encrypted files of finished drops (accepted, rejected, duplicate, abandoned)
 * from the drop store once `retentionDays` have passed since they finished
 * (`isDropFileDisposable`). A processed file holds every record the member
 * sent: kept for ever, it would outlive the pool's 36-month purge, erasures and
 * offboardings. Files of drops a retry may still read stay, whatever their age;
 * a file no drop knows is kept and counted. Appends `file.purged` (counts, the
 * reason, the retention) when it deleted anything. Safe to run again.
 *
 * @example
 * await purgeDropFiles({ ctx, actor: SYSTEM_ACTOR, dropStore, retentionDays: 7, reason: 'retention' });
 */
export async function purgeDropFiles(options: PurgeDropFilesOptions): Promise<TDropFilePurge> {
  const outcome: TDropFilePurge = { removed: 0, kept: 0, unknown: 0 };
  let organisations = options.organisationCode ? [options.organisationCode] : [];
  if (!options.organisationCode) {
    const entries = await listDirectory(options.dropStore);
    organisations = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    // Anything else at the top of the store is no organisation's folder.
    outcome.unknown += entries.length - organisations.length;
  }
  const now = options.ctx.clock();
  // A file that cannot be deleted (permissions after a restore) must not stop the others:
  // the list is the same every day, and retention would stall behind it.
  let failed = 0;
  for (const organisation of organisations) {
    const directory = path.join(options.dropStore, organisation);
    const names = (await listDirectory(directory)).map((entry) => entry.name);
    const drops = new Map(
      (await listFileDropsByIds(options.ctx, [...new Set(names.map(dropIdOf))])).map((drop) => [
        drop.id,
        drop,
      ]),
    );
    for (const name of names) {
      // A file is its drop's when it is named by the drop's ID (or is the copy a move across
      // file systems left beside it, claimDropFile), in its organisation's folder.
      const drop = drops.get(dropIdOf(name));
      if (!drop || drop.organisationCode !== organisation) {
        outcome.unknown += 1;
      } else if (isDropFileDisposable(drop, { now, retentionDays: options.retentionDays })) {
        try {
          await rm(path.join(directory, name), { force: true });
          outcome.removed += 1;
        } catch {
          failed += 1;
          outcome.kept += 1;
        }
      } else {
        outcome.kept += 1;
      }
    }
  }
  if (outcome.removed > 0) {
    await appendAuditEvent(options.ctx.db, options.ctx.clock, {
      action: 'file.purged',
      actor: options.actor,
      objectType: 'drop_store',
      ...(options.organisationCode ? { organisationCode: options.organisationCode } : {}),
      details: { reason: options.reason, retentionDays: options.retentionDays, ...outcome },
    });
  }
  if (failed > 0) {
    throw new AppError(
      'unavailable',
      `${failed} drop file(s) past their retention could not be deleted (a file system error): the others were; the next pass tries again`,
      { retry: true },
    );
  }
  return outcome;
}

/** The drop a file of the store belongs to by name: `<id>`, or `<id>.partial` (claimDropFile's copy). */
function dropIdOf(name: string): string {
  return name.endsWith(DROP_FILE_COPY_SUFFIX) ? name.slice(0, -DROP_FILE_COPY_SUFFIX.length) : name;
}
