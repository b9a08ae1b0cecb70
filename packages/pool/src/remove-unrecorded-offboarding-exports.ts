import { rm } from 'node:fs/promises';
import path from 'node:path';
import { appendAuditEvent, type ControlContext, type TActor } from '@alliage/control';
import { isOffboardingExportFile } from '@alliage/domain';
import { listDirectory } from './list-directory.ts';

export interface RemoveUnrecordedOffboardingExportsOptions {
  ctx: ControlContext;
  actor: TActor;
  memberCode: string;
  /** SFTP storage root: the exports are in `<sftpRoot>/<MEMBER>/reports/`. */
  sftpRoot: string;
  /** Every file name a `member.data_exported` or a certificate (`member.offboarded`) of the member names: those stay. */
  recorded: ReadonlySet<string>;
}

/** The hidden temporary file `writeOutboxFile` leaves when its process dies mid-write. */
const PARTIAL_OFFBOARDING_EXPORT = /^\.offboarding-.+\.partial-[0-9a-f]{16}$/;

/**
 * Deletes the offboarding export files in the member's `reports/` that no
 * `member.data_exported` names: those of a run that died between writing its export
 * and recording it (and the temporary files of one killed while writing). No event
 * claims them as the member's export; the re-run exports again under new names, so
 * that the one export recorded and certified is the only one left. Appends
 * `file.purged` (object `member_reports`, reason `offboarding_unrecorded_export`,
 * counts) when it deleted anything. Returns how many files went.
 *
 * @example
 * await removeUnrecordedOffboardingExports({ ctx, actor, memberCode: 'M01', sftpRoot, recorded: new Set() }); // 2
 */
export async function removeUnrecordedOffboardingExports(
  options: RemoveUnrecordedOffboardingExportsOptions,
): Promise<number> {
  const directory = path.join(options.sftpRoot, options.memberCode, 'reports');
  let removed = 0;
  for (const entry of await listDirectory(directory)) {
    const unrecorded =
      (isOffboardingExportFile(entry.name) && !options.recorded.has(entry.name)) ||
      PARTIAL_OFFBOARDING_EXPORT.test(entry.name);
    if (!entry.isFile() || !unrecorded) continue;
    await rm(path.join(directory, entry.name), { force: true });
    removed += 1;
  }
  if (removed > 0) {
    await appendAuditEvent(options.ctx.db, options.ctx.clock, {
      action: 'file.purged',
      actor: options.actor,
      objectType: 'member_reports',
      organisationCode: options.memberCode,
      details: { reason: 'offboarding_unrecorded_export', removed },
    });
  }
  return removed;
}
