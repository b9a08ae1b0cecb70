import { rm } from 'node:fs/promises';
import path from 'node:path';
import { writeOutboxFile } from '@alliage/delivery';

/**
 * Writes a file into a member's SFTP `reports/` so it appears whole or not at all,
 * replacing what an earlier attempt of the same step left (a retry).
 *
 * @example
 * await writeMemberReportFile(sftpRoot, 'M01', `rights-request-${id}.json`, bytes);
 */
export async function writeMemberReportFile(
  sftpRoot: string,
  memberCode: string,
  fileName: string,
  data: Uint8Array,
): Promise<void> {
  const directory = path.join(sftpRoot, memberCode, 'reports');
  await rm(path.join(directory, fileName), { force: true });
  await writeOutboxFile({ directory, fileName, data });
}
