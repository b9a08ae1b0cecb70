import { randomUUID } from 'node:crypto';
import { mkdir, realpath } from 'node:fs/promises';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { AppError } from '@alliage/domain';
import ssh2, { type Connection } from 'ssh2';
import { createBanList } from './create-ban-list.ts';
import { createSessionCounter } from './create-session-counter.ts';
import {
  createUploadBufferBudget,
  type UploadBufferLimits,
} from './create-upload-buffer-budget.ts';
import { errorCode } from './error-code.ts';
import { serveConnection } from './serve-connection.ts';
import type { ServerContext } from './server-context.ts';
import type { SftpLogger, SftpServer, SftpServerOptions } from './sftp-server-options.ts';
import { SSH_ALGORITHMS } from './ssh-algorithms.ts';
import { sweepStaleUploads } from './sweep-stale-uploads.ts';
import { scheduleWithSetTimeout } from './with-deadline.ts';

const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
const DEFAULT_MAX_SESSIONS_PER_ORGANISATION = 4;
const DEFAULT_BAN = { failuresBeforeBan: 5, baseSeconds: 60, maxSeconds: 3600 };
/**
 * OpenSSH `sftp` and ssh2's fastPut keep 64 × 32 KiB (2 MiB) in flight per upload:
 * 8 MiB ahead leaves room for a client tuned to 4× that. An organisation's share
 * covers several such uploads at once; the process total keeps the worst case of
 * many organisations at once to a fixed part of the memory budget (docs/operations.md).
 */
const DEFAULT_UPLOAD_BUFFER: UploadBufferLimits = {
  maxAheadBytes: 8 * 1024 ** 2,
  perOrganisationBytes: 32 * 1024 ** 2,
  totalBytes: 128 * 1024 ** 2,
};
/** PCI DSS's 15 minutes for an idle session; 6 hours lets a 2 GiB upload crawl at 100 KB/s. */
const DEFAULT_IDLE_TIMEOUT_MS = 15 * 60_000;
const DEFAULT_MAX_SESSION_MS = 6 * 3600_000;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Open TCP connections, in total and from one address, before new ones are dropped unread. */
const MAX_CONNECTIONS = 512;
const MAX_CONNECTIONS_PER_ADDRESS = 20;
/** A socket not logged in by then is cut, whether or not it ever spoke SSH. */
const LOGIN_DEADLINE_MS = 60_000;
/** Temp files of uploads untouched for a day are leftovers of a crashed process. */
const STALE_UPLOAD_MS = 24 * 3600_000;
/**
 * How long `close()` waits for uploads being published or discarded. A healthy disk
 * needs far less; a stalled one may never answer, and a process manager's stop
 * (30 s for Kubernetes and systemd) must not end in a kill mid-way.
 */
export const CLOSE_TIMEOUT_MS = 20_000;

const SILENT_LOGGER: SftpLogger = { info: () => undefined, warn: () => undefined };

/**
 * Creates the SFTP drop zone: members upload to `in/` and read `reports/`, clients
 * read `out/`, each inside its own virtual root; the control plane and the intake
 * queue are reached only through the callbacks in `options`.
 *
 * @example
 * const server = createSftpServer({ hostKeys: [hostKey], storageRoot: '/srv/alliage/sftp',
 *   lookupAccount, onUploadComplete, onEvent });
 * const { port } = await server.listen(2222);
 */
export function createSftpServer(options: SftpServerOptions): SftpServer {
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const maxSessions = options.maxSessionsPerOrganisation ?? DEFAULT_MAX_SESSIONS_PER_ORGANISATION;
  const ban = options.ban ?? DEFAULT_BAN;
  const uploadBufferLimits = { ...DEFAULT_UPLOAD_BUFFER, ...options.uploadBuffer };
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const maxSessionMs = options.maxSessionMs ?? DEFAULT_MAX_SESSION_MS;
  for (const [name, value] of Object.entries({
    maxUploadBytes,
    maxSessions,
    ...ban,
    ...uploadBufferLimits,
    idleTimeoutMs,
    maxSessionMs,
  })) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new AppError('bad_request', `sftp option ${name} must be a positive number`);
    }
  }
  // Node fires a longer timer at once (and warns): a "never" would become "now".
  if (Math.max(idleTimeoutMs, maxSessionMs) > MAX_TIMER_MS) {
    throw new AppError('bad_request', 'sftp session timeouts must be at most 24 days');
  }
  if (options.hostKeys.length === 0) throw new AppError('bad_request', 'sftp needs a host key');

  const clock = options.clock ?? (() => new Date());
  const schedule = options.schedule ?? scheduleWithSetTimeout;
  const abandon = new AbortController();
  const logger = options.logger ?? SILENT_LOGGER;
  const pendingCleanups = new Set<Promise<unknown>>();
  const sockets = new Set<Socket>();
  const socketsPerAddress = new Map<string, number>();
  const clients = new Set<Connection>();
  /** `ip:port` → socket, to find the socket of an ssh2 connection (ssh2 does not expose it). */
  const socketsByPeer = new Map<string, Socket>();
  const loginDeadlines = new Map<Socket, NodeJS.Timeout>();
  const bans = createBanList(ban, clock);
  const uploadBuffer = createUploadBufferBudget(uploadBufferLimits);
  let context: ServerContext | null = null;

  // ssh2 parses the host keys here, so a bad key fails at construction, not at first login.
  const sshServer = new ssh2.Server({
    hostKeys: options.hostKeys,
    algorithms: SSH_ALGORITHMS,
    ident: 'Alliage',
  });
  sshServer.on('connection', (client: Connection, info: { ip: string; port: number }) => {
    if (!context) return client.end();
    clients.add(client);
    client.once('close', () => clients.delete(client));
    const socket = socketsByPeer.get(`${info.ip}:${info.port}`);
    client.once('ready', () => {
      if (socket) clearTimeout(loginDeadlines.get(socket));
    });
    serveConnection(context, client, {
      connectionId: randomUUID(),
      remoteAddress: info.ip ?? 'unknown',
    });
  });

  // Our own TCP listener in front of ssh2 (handed over with `injectSocket`), so a
  // banned or flooding address is dropped before any SSH work is done for it.
  const tcpServer = createServer((socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const banSecondsLeft = bans.secondsBanned(address);
    const fromAddress = socketsPerAddress.get(address) ?? 0;
    if (
      banSecondsLeft > 0 ||
      sockets.size >= MAX_CONNECTIONS ||
      fromAddress >= MAX_CONNECTIONS_PER_ADDRESS
    ) {
      logger.info(
        { banSecondsLeft, openConnections: sockets.size, fromAddress },
        'connection refused before handshake',
      );
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socketsPerAddress.set(address, fromAddress + 1);
    // SFTP is request/response: Nagle plus delayed ACKs would add ~40 ms per round trip.
    socket.setNoDelay(true);
    // ssh2 has no deadline before the SSH identification line; a silent or dripping
    // client would hold the socket forever. Cleared once the connection logs in.
    const peer = `${address}:${socket.remotePort}`;
    socketsByPeer.set(peer, socket);
    const deadline = setTimeout(() => socket.destroy(), LOGIN_DEADLINE_MS);
    deadline.unref();
    loginDeadlines.set(socket, deadline);
    socket.once('close', () => {
      clearTimeout(deadline);
      loginDeadlines.delete(socket);
      if (socketsByPeer.get(peer) === socket) socketsByPeer.delete(peer);
      sockets.delete(socket);
      const left = (socketsPerAddress.get(address) ?? 1) - 1;
      if (left > 0) socketsPerAddress.set(address, left);
      else socketsPerAddress.delete(address);
    });
    sshServer.injectSocket(socket);
  });

  return {
    async listen(port, host) {
      await mkdir(options.storageRoot, { recursive: true, mode: 0o750 });
      const storageRoot = await realpath(options.storageRoot);
      // Wall-clock time, not the injected clock: it is compared with file mtimes.
      const swept = await sweepStaleUploads(storageRoot, STALE_UPLOAD_MS, new Date()).catch(
        (error: unknown) => {
          logger.warn({ err: errorCode(error) }, 'stale upload sweep failed');
          return 0;
        },
      );
      if (swept > 0) logger.warn({ removed: swept }, 'removed stale upload temp files');
      context = {
        storageRoot,
        lookupAccount: options.lookupAccount,
        onUploadComplete: options.onUploadComplete,
        maxUploadBytes,
        bans,
        sessions: createSessionCounter(maxSessions),
        uploadBuffer,
        uploadBufferLimits,
        idleTimeoutMs,
        maxSessionMs,
        uploadsInProgress: new Set(),
        clock,
        schedule,
        logger,
        pendingCleanups,
        abandoned: abandon.signal,
        async recordEvent(event) {
          try {
            await options.onEvent(event);
            return true;
          } catch (error) {
            logger.warn({ action: event.action, err: errorCode(error) }, 'audit event failed');
            return false;
          }
        },
      };
      await new Promise<void>((resolve, reject) => {
        tcpServer.once('error', reject);
        tcpServer.listen(port, host, () => {
          tcpServer.off('error', reject);
          resolve();
        });
      });
      const { port: boundPort } = tcpServer.address() as AddressInfo;
      logger.info({ port: boundPort }, 'sftp listening');
      return { port: boundPort };
    },

    async close() {
      // Started first: the whole close, not only the wait for cleanups, is bounded.
      let timedOut = false;
      let cancelDeadline = (): void => undefined;
      const deadline = new Promise<void>((resolve) => {
        cancelDeadline = schedule(() => {
          timedOut = true;
          resolve();
        }, CLOSE_TIMEOUT_MS);
      });
      const closing = (async () => {
        const stopped = new Promise<void>((resolve) => tcpServer.close(() => resolve()));
        for (const client of clients) client.end();
        // Connections still open are cut: their unfinished uploads are discarded.
        for (const socket of sockets) socket.destroy();
        await stopped;
        while (pendingCleanups.size > 0 && !timedOut) {
          await Promise.race([Promise.allSettled([...pendingCleanups]), deadline]);
        }
      })();
      await Promise.race([closing, deadline]);
      cancelDeadline();
      if (timedOut) {
        // A file-system call cannot be cancelled in Node: what it waits for may finish
        // later, and must then publish nothing (`completeUpload` checks this signal).
        abandon.abort();
        logger.warn(
          { pending: pendingCleanups.size, timeoutSeconds: CLOSE_TIMEOUT_MS / 1000 },
          'sftp closed with disk work still pending',
        );
        return;
      }
      logger.info({}, 'sftp closed');
    },

    uploadBufferStats: () => uploadBuffer.stats(),
  };
}
