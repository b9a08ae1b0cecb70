import { constants, openSync } from 'node:fs';
import { Socket, type SocketConstructorOpts } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Longest wait between two attempts to open the pipe while its reader has not opened it yet. */
const MAX_RETRY_DELAY_MS = 20;

/**
 * Opens the write end of a named pipe once its reader has opened the read end, as a
 * non-blocking socket, or returns null when `reader` (the statement reading the pipe)
 * settles before it opened it. A blocking open (what `fs.createWriteStream` does)
 * waits in a libuv thread for a reader that, if the statement failed first, never
 * comes: the writer then waited for ever (certain with one libuv thread, a race with
 * more). Here nothing waits in a thread: the open is retried until the reader is
 * there, and the socket's writes wait on the event loop.
 *
 * @example
 * const pipe = await openPipeWriter(pipePath, loading, 4 * 2 ** 20);
 */
export async function openPipeWriter(
  pipePath: string,
  reader: Promise<unknown>,
  highWaterMark: number,
): Promise<Socket | null> {
  let readerSettled = false;
  const settled = reader.then(
    () => {
      readerSettled = true;
    },
    () => {
      readerSettled = true;
    },
  );
  for (let delayMs = 1; ; delayMs = Math.min(delayMs * 2, MAX_RETRY_DELAY_MS)) {
    try {
      // O_NONBLOCK: returns at once, ENXIO while no reader has the pipe open.
      const fd = openSync(pipePath, constants.O_WRONLY | constants.O_NONBLOCK);
      // Socket hands stream options on to Duplex; @types/node does not list this one.
      const socketOptions: SocketConstructorOpts & { writableHighWaterMark: number } = {
        fd,
        readable: false,
        writable: true,
        writableHighWaterMark: highWaterMark,
      };
      return new Socket(socketOptions);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
    }
    if (readerSettled) return null;
    await Promise.race([sleep(delayMs), settled]);
  }
}
