import { type ChildProcess, spawn } from 'node:child_process';
import { ONE_SHOT_NODE_FLAGS } from '../one-shot-node-flags.ts';
import { CLI_MAIN_PATH } from './cli-main-path.ts';

/** A running `alliage serve`: its process, HTTP URL, SFTP port and everything it printed. */
export interface TServe {
  child: ChildProcess;
  url: string;
  sftpPort: number;
  output: () => string;
}

/**
 * Starts `alliage serve` and resolves once it says it is running (ports 0 are
 * resolved from that line); rejects with its output if it exits or takes too long.
 *
 * @example
 * const serve = await startServe(cliEnv({ ALLIAGE_DATA_DIR: dir, ALLIAGE_HTTP_PORT: '0' }));
 */
export function startServe(
  env: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<TServe> {
  return new Promise((resolve, reject) => {
    // A serve started by a test lives seconds and runs a handful of control-plane queries:
    // like a one-shot command, it keeps PGlite's WebAssembly on the baseline compiler
    // (2.5-3.4 s less CPU per start on the 2-core machine, where the suite is CPU-bound).
    const child = spawn(process.execPath, [...ONE_SHOT_NODE_FLAGS, CLI_MAIN_PATH, 'serve'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start:\n${output}`));
    }, options.timeoutMs ?? 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /is running: (http:\/\/\S+) .*SFTP on \S+:(\d+)/.exec(output);
      if (match?.[1] && match[2]) {
        clearTimeout(timer);
        resolve({ child, url: match[1], sftpPort: Number(match[2]), output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
}
