import { type FileHandle, open, readdir, rename, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import ssh2, { type Attributes, type ParsedKey, type SFTPWrapper } from 'ssh2';

export interface PlainSftpServerOptions {
  /** OpenSSH/PEM private host key. */
  hostKey: string;
  /** The one login accepted, with its authorised public key (`ssh-ed25519 AAAA…`). */
  username: string;
  publicKey: string;
  /** The directory `/` maps to; paths never leave it. */
  root: string;
  /** Fixed port to listen on (a restart on the same port); default a free one. */
  port?: number;
}

export interface PlainSftpServer {
  port: number;
  close(): Promise<void>;
}

const { OPEN_MODE, STATUS_CODE } = ssh2.utils.sftp;

/**
 * TEST-ONLY: a plain SFTP server like OpenSSH's `sftp-server` — read, write, stat,
 * list, rename (never over an existing file, as SFTP v3 servers do) and remove in
 * one directory — standing in for an organisation's own server. The platform's
 * drop zone (`createSftpServer`) is write-once by design (no read-back, rename or
 * remove in `in/`), so it cannot play a target that receives pushed files.
 *
 * @example
 * const server = await startPlainSftpServer({ hostKey, username: 'alliage', publicKey, root });
 */
export async function startPlainSftpServer(
  options: PlainSftpServerOptions,
): Promise<PlainSftpServer> {
  const parsed = ssh2.utils.parseKey(options.publicKey) as ParsedKey | ParsedKey[] | Error;
  const allowed = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!allowed || allowed instanceof Error) throw new Error('unusable public key');
  const connections = new Set<ssh2.Connection>();
  const server = new ssh2.Server({ hostKeys: [options.hostKey] }, (connection) => {
    connections.add(connection);
    connection.on('close', () => connections.delete(connection));
    connection.on('error', () => undefined);
    connection.on('authentication', (ctx) => {
      const ok =
        ctx.method === 'publickey' &&
        ctx.username === options.username &&
        ctx.key.algo === allowed.type &&
        ctx.key.data.equals(allowed.getPublicSSH()) &&
        (ctx.signature === undefined ||
          allowed.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) === true);
      if (ok) ctx.accept();
      else ctx.reject(['publickey']);
    });
    connection.on('ready', () => {
      connection.on('session', (accept) => {
        accept().on('sftp', (acceptSftp) => serveSftp(acceptSftp(), options.root));
      });
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () =>
      resolve((server.address() as AddressInfo).port),
    );
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of connections) connection.end();
        server.close(() => resolve());
      }),
  };
}

function serveSftp(sftp: SFTPWrapper, root: string): void {
  const handles = new Map<string, FileHandle | { entries: string[]; directory: string }>();
  let nextHandle = 0;
  const local = (clientPath: string) => {
    const resolved = path.join(root, path.posix.normalize(`/${clientPath}`));
    if (resolved !== root && !resolved.startsWith(`${root}${path.sep}`)) throw new Error('outside');
    return resolved;
  };
  const fail = (reqId: number) => (error: unknown) =>
    sftp.status(
      reqId,
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? STATUS_CODE.NO_SUCH_FILE
        : STATUS_CODE.FAILURE,
    );
  const attrsOf = async (filePath: string): Promise<Attributes> => {
    const stats = await stat(filePath);
    return {
      mode: stats.mode,
      uid: 0,
      gid: 0,
      size: stats.size,
      atime: Math.floor(stats.atimeMs / 1000),
      mtime: Math.floor(stats.mtimeMs / 1000),
    };
  };
  const addHandle = (value: FileHandle | { entries: string[]; directory: string }) => {
    const id = Buffer.from(String(nextHandle++));
    handles.set(id.toString(), value);
    return id;
  };

  sftp.on('REALPATH', (reqId, clientPath) => {
    const normal = path.posix.normalize(`/${clientPath}`);
    sftp.name(reqId, [{ filename: normal, longname: normal, attrs: {} as Attributes }]);
  });
  const onStat = (reqId: number, clientPath: string) => {
    attrsOf(local(clientPath)).then((attrs) => sftp.attrs(reqId, attrs), fail(reqId));
  };
  sftp.on('STAT', onStat);
  sftp.on('LSTAT', onStat);
  sftp.on('OPEN', (reqId, clientPath, flags) => {
    const writing = (flags & OPEN_MODE.WRITE) !== 0;
    const mode = writing ? ((flags & OPEN_MODE.EXCL) !== 0 ? 'wx' : 'w') : 'r';
    open(local(clientPath), mode).then(
      (handle) => sftp.handle(reqId, addHandle(handle)),
      fail(reqId),
    );
  });
  sftp.on('WRITE', (reqId, handle, offset, data) => {
    const file = handles.get(handle.toString()) as FileHandle;
    file
      .write(Buffer.from(data), 0, data.length, offset)
      .then(() => sftp.status(reqId, STATUS_CODE.OK), fail(reqId));
  });
  sftp.on('READ', (reqId, handle, offset, length) => {
    const file = handles.get(handle.toString()) as FileHandle;
    const buffer = Buffer.alloc(Math.min(length, 256 * 1024));
    file.read(buffer, 0, buffer.length, offset).then(({ bytesRead }) => {
      if (bytesRead === 0) sftp.status(reqId, STATUS_CODE.EOF);
      else sftp.data(reqId, buffer.subarray(0, bytesRead));
    }, fail(reqId));
  });
  sftp.on('FSTAT', (reqId, handle) => {
    const file = handles.get(handle.toString()) as FileHandle;
    file.stat().then(
      (stats) =>
        sftp.attrs(reqId, {
          mode: stats.mode,
          uid: 0,
          gid: 0,
          size: stats.size,
          atime: Math.floor(stats.atimeMs / 1000),
          mtime: Math.floor(stats.mtimeMs / 1000),
        }),
      fail(reqId),
    );
  });
  sftp.on('FSETSTAT', (reqId) => sftp.status(reqId, STATUS_CODE.OK));
  sftp.on('SETSTAT', (reqId) => sftp.status(reqId, STATUS_CODE.OK));
  sftp.on('CLOSE', (reqId, handle) => {
    const value = handles.get(handle.toString());
    handles.delete(handle.toString());
    if (value && 'close' in value) value.close().then(() => sftp.status(reqId, STATUS_CODE.OK));
    else sftp.status(reqId, STATUS_CODE.OK);
  });
  sftp.on('OPENDIR', (reqId, clientPath) => {
    const directory = local(clientPath);
    readdir(directory).then(
      (entries) => sftp.handle(reqId, addHandle({ entries, directory })),
      fail(reqId),
    );
  });
  sftp.on('READDIR', (reqId, handle) => {
    const listing = handles.get(handle.toString()) as { entries: string[]; directory: string };
    if (listing.entries.length === 0) return sftp.status(reqId, STATUS_CODE.EOF);
    const batch = listing.entries.splice(0, listing.entries.length);
    Promise.all(
      batch.map(async (name) => {
        const attrs = await attrsOf(path.join(listing.directory, name));
        return { filename: name, longname: name, attrs };
      }),
    ).then((names) => sftp.name(reqId, names), fail(reqId));
  });
  sftp.on('REMOVE', (reqId, clientPath) => {
    rm(local(clientPath)).then(() => sftp.status(reqId, STATUS_CODE.OK), fail(reqId));
  });
  sftp.on('RENAME', (reqId, from, to) => {
    const target = local(to);
    stat(target).then(
      () => sftp.status(reqId, STATUS_CODE.FAILURE, 'target exists'),
      () => rename(local(from), target).then(() => sftp.status(reqId, STATUS_CODE.OK), fail(reqId)),
    );
  });
}
