import { lstat, rm } from 'node:fs/promises';
import path from 'node:path';
import { appendAuditEvent, type ControlContext, type TActor } from '@alliage/control';
import { isMemberExportDisposable, isMemberExportFile } from '@alliage/domain';
import { listDirectory } from './list-directory.ts';

export interface PurgeMemberExportsOptions {
  ctx: ControlContext;
  actor: TActor;
  /** SFTP storage root: exports are in `<sftpRoot>/<ORG>/reports/`. */
  sftpRoot: string;
  /** Exports written fewer days ago stay (0: every export goes). */
  retentionDays: number;
}

/** What a pass did, in counts. */
export interface TMemberExportPurge {
  /** Exports deleted. */
  removed: number;
  /** Exports written too recently, kept. */
  kept: number;
}

/**
 * Deletes the personal-data exports the platform wrote into members' `reports/` (a
 * rights request's notice and data, an offboarding's exports: `isMemberExportFile`)
 * once `retentionDays` have passed since they were written (the file's modification
 * time: they are written whole, by rename). Encrypted to the member or not, kept for
 * ever they would outlive the pool's own rules — the 36-month purge, a later erasure.
 * Intake reports (counts and line numbers) and anything else stay. Appends
 * `file.purged` (area `reports`, counts and the retention) when it deleted anything.
 * Safe to run again.
 *
 * @example
 * await purgeMemberExports({ ctx, actor: SYSTEM_ACTOR, sftpRoot, retentionDays: 30 }); // { removed: 2, kept: 1 }
 */
export async function purgeMemberExports(
  options: PurgeMemberExportsOptions,
): Promise<TMemberExportPurge> {
  const outcome: TMemberExportPurge = { removed: 0, kept: 0 };
  const now = options.ctx.clock();
  const organisations = (await listDirectory(options.sftpRoot)).filter((entry) =>
    entry.isDirectory(),
  );
  for (const organisation of organisations) {
    const directory = path.join(options.sftpRoot, organisation.name, 'reports');
    for (const entry of await listDirectory(directory)) {
      if (!entry.isFile() || !isMemberExportFile(entry.name)) continue;
      const file = path.join(directory, entry.name);
      const stats = await lstat(file).catch(() => null);
      if (!stats) continue;
      if (isMemberExportDisposable(stats.mtime, { now, retentionDays: options.retentionDays })) {
        await rm(file, { force: true });
        outcome.removed += 1;
      } else {
        outcome.kept += 1;
      }
    }
  }
  if (outcome.removed > 0) {
    await appendAuditEvent(options.ctx.db, options.ctx.clock, {
      action: 'file.purged',
      actor: options.actor,
      objectType: 'member_reports',
      details: { reason: 'retention', retentionDays: options.retentionDays, ...outcome },
    });
  }
  return outcome;
}
