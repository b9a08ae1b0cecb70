import type { ChildProcess } from 'node:child_process';

/**
 * Sends SIGKILL (no chance to clean up) and waits for the process to be gone.
 *
 * @example
 * await killProcess(serve.child);
 */
export function killProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
