import type { Attributes, FileEntry } from 'ssh2';
import { listDirectory } from './list-directory.ts';
import { visibleAreas } from './resolve-virtual-path.ts';
import { isRefusal, refuse, SFTP_STATUS } from './sftp-refusal.ts';
import type { TSftpSession } from './sftp-session.ts';
import { READDIR_BATCH } from './sftp-session-limits.ts';
import { toLongname, virtualDirectoryAttributes } from './to-sftp-attributes.ts';

/**
 * Answers the session's requests on paths: REALPATH, STAT, LSTAT, OPENDIR and READDIR
 * within the account's virtual tree; REMOVE, RMDIR, MKDIR, SETSTAT, RENAME and links
 * refused once resolved (a write-once drop zone), EXTENDED unsupported.
 *
 * @example
 * servePathRequests(createSftpSession(context, connection, account, sftp, hooks));
 */
export function servePathRequests(session: TSftpSession): void {
  const { context, account, sftp, canAnswer, status, deny, accountAllows, run, resolve } = session;
  const { attributesOf, addHandle, handleOf } = session;

  sftp.on('REALPATH', (reqId, clientPath) => {
    const resolved = resolve(reqId, 'realpath', clientPath);
    if (!resolved) return;
    run(reqId, 'realpath', async () => {
      if (!(await accountAllows(reqId, 'realpath')) || !canAnswer(reqId)) return;
      const attrs = {} as Attributes; // OpenSSH answers REALPATH with empty attributes too
      sftp.name(reqId, [{ filename: resolved.virtualPath, longname: resolved.virtualPath, attrs }]);
    });
  });

  const onStat = (operation: string) => (reqId: number, clientPath: string) => {
    const resolved = resolve(reqId, operation, clientPath);
    if (!resolved) return;
    run(reqId, operation, async () => {
      // Before the disk: whether a file exists is already an answer.
      if (!(await accountAllows(reqId, operation))) return;
      const attrs = await attributesOf(resolved);
      if (isRefusal(attrs)) return deny(reqId, operation, attrs);
      if (canAnswer(reqId)) sftp.attrs(reqId, attrs);
    });
  };
  sftp.on('STAT', onStat('stat'));
  sftp.on('LSTAT', onStat('lstat'));

  sftp.on('OPENDIR', (reqId, clientPath) => {
    const resolved = resolve(reqId, 'opendir', clientPath);
    if (!resolved) return;
    run(reqId, 'opendir', async () => {
      if (!(await accountAllows(reqId, 'opendir'))) return;
      let entries: FileEntry[];
      if (resolved.kind === 'root') {
        entries = visibleAreas(account).map((area) => {
          const attrs = virtualDirectoryAttributes(area, context.clock());
          return { filename: area, longname: toLongname(area, attrs), attrs };
        });
      } else {
        const attrs = await attributesOf(resolved);
        if (isRefusal(attrs)) return deny(reqId, 'opendir', attrs);
        if ((attrs.mode & 0o170000) !== 0o040000) {
          return deny(
            reqId,
            'opendir',
            refuse(SFTP_STATUS.FAILURE, 'not_a_directory', { audit: false }),
          );
        }
        entries = await listDirectory(resolved.diskPath, resolved.area);
      }
      // Answered FAILURE at its deadline already: no handle the client cannot know of.
      if (!canAnswer(reqId)) return;
      const id = addHandle({ kind: 'directory', entries, position: 0 });
      if (!id) return status(reqId, SFTP_STATUS.FAILURE, 'Too many open handles');
      sftp.handle(reqId, id);
    });
  });

  sftp.on('READDIR', (reqId, handle) => {
    const state = handleOf(handle);
    if (state?.kind !== 'directory') return status(reqId, SFTP_STATUS.FAILURE, 'Invalid handle');
    if (state.position >= state.entries.length) return status(reqId, SFTP_STATUS.EOF);
    const batch = state.entries.slice(state.position, state.position + READDIR_BATCH);
    state.position += batch.length;
    if (canAnswer(reqId)) sftp.name(reqId, batch);
  });

  // Write-once drop zone: these are refused after resolution, so escape attempts are
  // audited with the same reasons as everywhere else.
  const refuseAfterResolving =
    (operation: string, code: number, reason: string) =>
    (reqId: number, ...paths: unknown[]) => {
      for (const clientPath of paths.filter((value) => typeof value === 'string')) {
        if (!resolve(reqId, operation, clientPath)) return;
      }
      deny(reqId, operation, refuse(code, reason));
    };
  sftp.on('REMOVE', refuseAfterResolving('remove', SFTP_STATUS.PERMISSION_DENIED, 'write_once'));
  sftp.on('RMDIR', refuseAfterResolving('rmdir', SFTP_STATUS.PERMISSION_DENIED, 'write_once'));
  sftp.on('MKDIR', refuseAfterResolving('mkdir', SFTP_STATUS.PERMISSION_DENIED, 'write_once'));
  sftp.on('SETSTAT', refuseAfterResolving('setstat', SFTP_STATUS.PERMISSION_DENIED, 'write_once'));
  sftp.on('RENAME', refuseAfterResolving('rename', SFTP_STATUS.PERMISSION_DENIED, 'write_once'));
  sftp.on(
    'SYMLINK',
    refuseAfterResolving('symlink', SFTP_STATUS.PERMISSION_DENIED, 'links_unsupported'),
  );
  sftp.on(
    'READLINK',
    refuseAfterResolving('readlink', SFTP_STATUS.OP_UNSUPPORTED, 'links_unsupported'),
  );
  sftp.on('EXTENDED', (reqId) => status(reqId, SFTP_STATUS.OP_UNSUPPORTED));
}
