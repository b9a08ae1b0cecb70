import type { Socket } from 'node:net';
import { AppError } from '@alliage/domain';
import SftpClient from 'ssh2-sftp-client';
import { openTcpSocket } from './open-tcp-socket.ts';
import { sshKeyFingerprint } from './ssh-key-fingerprint.ts';

/** An organisation's own SFTP server, as the platform connects to it (pull source, push target). */
export interface TPinnedSftpEndpoint {
  host: string;
  port: number;
  username: string;
  /** Pinned host key fingerprint (`SHA256:…`); any other key is refused. */
  hostKeySha256: string;
}

export interface ConnectPinnedSftpOptions {
  endpoint: TPinnedSftpEndpoint;
  /** The platform's SSH client private key (the organisation authorises its public half). */
  privateKey: string;
  /** Handshake and login timeout. */
  timeoutMs: number;
  /** Names the server in errors, e.g. `the SFTP server of M01`. */
  label: string;
  /** What did not happen when the host key is wrong, e.g. `nothing was fetched`. */
  consequence: string;
}

/** A logged-in session; `close()` is bounded and never throws. */
export interface TPinnedSftpSession {
  client: SftpClient;
  close(): Promise<void>;
}

/** The server presented another host key than the pinned one (AppError `conflict`, not retried). */
export class HostKeyMismatchError extends AppError {
  readonly pinnedHostKey: string;
  readonly presentedHostKey: string;

  constructor(message: string, pinned: string, presented: string, cause: unknown) {
    super('conflict', message, { cause });
    this.pinnedHostKey = pinned;
    this.presentedHostKey = presented;
  }
}

/**
 * Connects to an organisation's SFTP server with Nagle off, checks the host key
 * against the pinned fingerprint and logs in with the platform's client key.
 * A wrong host key is a `HostKeyMismatchError` (nothing is sent past the
 * handshake); an unreachable server or a refused login is AppError `unavailable`
 * with `retry: true`.
 *
 * @example
 * const session = await connectPinnedSftp({ endpoint: source, privateKey, timeoutMs: 20_000,
 *   label: 'the SFTP server of M01', consequence: 'nothing was fetched' });
 * try { await session.client.list('/out'); } finally { await session.close(); }
 */
export async function connectPinnedSftp(
  options: ConnectPinnedSftpOptions,
): Promise<TPinnedSftpSession> {
  const { endpoint, label } = options;
  let presentedKey: string | null = null;
  const quiet = () => undefined;
  // The library's default listeners print to the console; errors reach the caller
  // through the promise of the operation that was running.
  const client = new SftpClient(label, { error: quiet, end: quiet, close: quiet });
  let socket: Socket | null = null;
  const close = async (): Promise<void> => {
    // Bounded: a server that vanished must not hold the caller in a polite goodbye.
    await Promise.race([
      client.end().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 5000).unref()),
    ]);
    // A login that failed leaves no SFTP session for end() to close: drop the socket too.
    socket?.destroy();
  };
  try {
    socket = await openTcpSocket(endpoint.host, endpoint.port, options.timeoutMs);
    await client.connect({
      sock: socket,
      username: endpoint.username,
      privateKey: options.privateKey,
      readyTimeout: options.timeoutMs,
      hostVerifier: (key: Buffer) => {
        presentedKey = sshKeyFingerprint(key);
        return presentedKey === endpoint.hostKeySha256;
      },
    });
    return { client, close };
  } catch (error) {
    await close();
    if (presentedKey !== null && presentedKey !== endpoint.hostKeySha256) {
      throw new HostKeyMismatchError(
        `${label} presented host key ${presentedKey}, not the pinned ${endpoint.hostKeySha256}; ${options.consequence}`,
        endpoint.hostKeySha256,
        presentedKey,
        error,
      );
    }
    throw new AppError(
      'unavailable',
      socket === null
        ? `cannot reach ${label} at ${endpoint.host}:${endpoint.port}`
        : `cannot log in to ${label}: does it authorise the platform's SSH key (alliage platform ssh-key)?`,
      { retry: true, cause: error },
    );
  }
}
