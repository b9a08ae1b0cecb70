import { link, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** Filesystems without hard links; there a stat-then-rename guards the name instead. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);
const MAX_SUFFIX = 99;
const DROP_EXTENSIONS = ['.csv.pgp', '.csv.gpg', '.csv.asc', '.pgp', '.gpg', '.asc'];

/**
 * Gives a complete downloaded file its name in the member's inbox without ever
 * replacing a file there: `name`, else `stem-2.ext`, `stem-3.ext`… (still a member
 * file name, so intake reads it the same way). Returns the name used.
 *
 * @example
 * const fileName = await publishPulledFile(tempPath, '/data/sftp/M01/in', 'M01_customers.csv.pgp');
 */
export async function publishPulledFile(
  tempPath: string,
  inbox: string,
  fileName: string,
): Promise<string> {
  for (let attempt = 1; attempt <= MAX_SUFFIX; attempt += 1) {
    const candidate = attempt === 1 ? fileName : withSuffix(fileName, attempt);
    if (await linkWithoutReplacing(tempPath, path.join(inbox, candidate))) {
      await rm(tempPath, { force: true });
      // Make the new directory entry durable before the drop is recorded.
      await open(inbox, 'r')
        .then((directory) => directory.sync().finally(() => directory.close()))
        .catch(() => undefined);
      return candidate;
    }
  }
  await rm(tempPath, { force: true });
  throw new Error(`no free name for a pulled file in ${path.basename(path.dirname(inbox))}/in`);
}

/** `M01_customers.csv.pgp`, 2 → `M01_customers-2.csv.pgp`. */
function withSuffix(fileName: string, counter: number): string {
  const lower = fileName.toLowerCase();
  const extension = DROP_EXTENSIONS.find((candidate) => lower.endsWith(candidate)) ?? '';
  const stem = fileName.slice(0, fileName.length - extension.length);
  return `${stem}-${counter}${fileName.slice(stem.length)}`;
}

/** True when `target` now names the file; false when the name was taken. */
async function linkWithoutReplacing(source: string, target: string): Promise<boolean> {
  try {
    await link(source, target);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code)) throw error;
  }
  const taken = await stat(target).then(
    () => true,
    () => false,
  );
  if (taken) return false;
  await rename(source, target);
  return true;
}
