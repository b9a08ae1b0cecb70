import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatDropReportText, type TDropReport } from '@alliage/domain';

/**
 * Writes `<file>.report.json` and `<file>.report.txt` into a member's reports
 * directory, each through a hidden temporary name so SFTP clients never see a
 * half-written report. Reports hold counts, lines and reasons — no row content.
 */
export async function writeDropReport(reportsDir: string, report: TDropReport): Promise<void> {
  await mkdir(reportsDir, { recursive: true, mode: 0o700 });
  const base = path.join(reportsDir, `${report.fileName}.report`);
  await writeAtomically(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeAtomically(`${base}.txt`, formatDropReportText(report));
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await writeFile(temporary, content, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}
