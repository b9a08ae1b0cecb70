import { connect, type Socket } from 'node:net';

/**
 * Opens a TCP connection with Nagle's algorithm off: SFTP is request/response, and
 * with it on every small request waits for the previous one's ACK (~40 ms each).
 *
 * @example
 * const sock = await openTcpSocket('mft.example.fr', 22, 20_000);
 */
export function openTcpSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    socket.setTimeout(timeoutMs, () => {
      socket.destroy(new Error('connection timed out'));
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.removeListener('error', reject);
      resolve(socket);
    });
  });
}
