import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type ControlContext, recordFileDropStoragePath, type TFileDrop } from '@alliage/control';
import { DROP_FILE_COPY_SUFFIX } from '@alliage/domain';
import { dropFileUnavailable } from './drop-file-unavailable.ts';

const STORE_LOST =
  'the encrypted file of this drop is no longer in the platform store: send it again';

/**
 * Moves a drop's encrypted file from where it was received (`in/<name>`) into the drop
 * store (`<dropStore>/<ORG>/<drop id>`) and records the new path, then returns it: every
 * attempt reads the file there and only there. The inbox name is free again from then
 * on, so a file the member sends again under the same name is another drop's, never this
 * one's. A file that cannot be found throws `dropFileUnavailable`. When the inbox and
 * the store are on two file systems (a volume mounted for the SFTP tree), the file is
 * copied beside its place in the store, synced, removed from the inbox and renamed in:
 * an attempt that dies between the last two steps is finished by the next one.
 *
 * @example
 * const sourcePath = await claimDropFile(ctx, dropStore, drop);
 */
export async function claimDropFile(
  ctx: ControlContext,
  dropStore: string,
  drop: TFileDrop,
): Promise<string> {
  const storePath = path.join(dropStore, drop.organisationCode, drop.id);
  if (drop.storagePath === storePath || (await isFile(storePath))) {
    // An earlier attempt moved it (and may have died before recording the path).
    if (drop.storagePath !== storePath) await recordFileDropStoragePath(ctx, drop.id, storePath);
    return storePath;
  }
  const copyPath = `${storePath}${DROP_FILE_COPY_SUFFIX}`;
  if (!(await isFile(drop.storagePath)) && (await sha256Of(copyPath)) === drop.sha256) {
    // A move across file systems died after removing the inbox file: its copy is whole.
    await rename(copyPath, storePath);
    await recordFileDropStoragePath(ctx, drop.id, storePath);
    return storePath;
  }
  // A first attempt finds its own upload there (names are write-once while present). A
  // later one may come after the store lost the file and the member sent another under
  // the same name: move only the bytes this drop received.
  if (drop.attempts > 1 && (await sha256Of(drop.storagePath)) !== drop.sha256) {
    throw dropFileUnavailable(STORE_LOST);
  }
  await mkdir(path.dirname(storePath), { recursive: true, mode: 0o700 });
  try {
    await rename(drop.storagePath, storePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EXDEV') {
      await moveAcrossFileSystems(drop.storagePath, copyPath, storePath);
      await recordFileDropStoragePath(ctx, drop.id, storePath);
      return storePath;
    }
    if (code !== 'ENOENT') throw error;
    throw dropFileUnavailable(STORE_LOST, error);
  }
  await recordFileDropStoragePath(ctx, drop.id, storePath);
  return storePath;
}

/**
 * Moves `source` to `target` on another file system: copied to `copyPath` (beside
 * `target`, replacing what a dead attempt left there) and synced, the source removed, the
 * copy renamed into place. Until the rename, `target` does not exist.
 */
async function moveAcrossFileSystems(
  source: string,
  copyPath: string,
  target: string,
): Promise<void> {
  try {
    await copyFile(source, copyPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw dropFileUnavailable(STORE_LOST, error);
  }
  const copy = await open(copyPath, 'r');
  try {
    await copy.sync();
  } finally {
    await copy.close();
  }
  await rm(source);
  await rename(copyPath, target);
}

async function isFile(filePath: string): Promise<boolean> {
  return stat(filePath).then(
    (stats) => stats.isFile(),
    () => false,
  );
}

/** The file's SHA-256 (hex), or null when it is missing. */
async function sha256Of(filePath: string): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return hash.digest('hex');
}
