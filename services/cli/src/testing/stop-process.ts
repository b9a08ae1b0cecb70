import type { ChildProcess } from 'node:child_process';

/**
 * Sends SIGTERM (a clean shutdown) and waits for the process to exit.
 *
 * @example
 * const code = await stopProcess(serve.child);
 */
export function stopProcess(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve(child.exitCode);
      return;
    }
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}
