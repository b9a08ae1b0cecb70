import { spawn } from 'node:child_process';
import { ONE_SHOT_NODE_FLAGS } from '../one-shot-node-flags.ts';
import { CLI_MAIN_PATH } from './cli-main-path.ts';

/** What one `alliage` run printed, and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `alliage ARGS` as a real child process (this Node, type stripping, the flags
 * `bin/alliage.js` gives one-shot commands) with no standard input, and collects its output.
 * With `killAfterMs`, a process still running then (a long-running command that should
 * have refused to start) is killed and its code is null.
 *
 * @example
 * const { code, stdout } = await runCli(['org', 'list', '--json'], cliEnv({ ALLIAGE_DATA_DIR: dir }));
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
  options: { killAfterMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...ONE_SHOT_NODE_FLAGS, CLI_MAIN_PATH, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer =
      options.killAfterMs === undefined
        ? null
        : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
