import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestQueue, type TestJobQueue, testRedisUrl, waitFor } from './testing/index.ts';

const redisUrl = testRedisUrl();
const workerScript = fileURLToPath(new URL('./testing/run-crash-test-worker.ts', import.meta.url));

/** Starts the crash-test worker in its own Node process and collects its stdout events. */
function spawnWorker(prefix: string) {
  const child = spawn(process.execPath, [workerScript, redisUrl!, prefix], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Array<Record<string, unknown>> = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => {
    events.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const waitForEvent = (event: string) =>
    waitFor(() => events.find((entry) => entry.event === event), {
      timeoutMs: 20_000,
      message: `worker process to report '${event}' (exit code ${child.exitCode}, stderr: ${stderr.slice(0, 2000)})`,
    });
  return { child, waitForEvent };
}

describe.skipIf(!redisUrl)('a BullMQ worker killed mid-job', () => {
  let queue: TestJobQueue | null = null;
  let child: ChildProcess | null = null;
  let redis: Redis | null = null;
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await queue?.close();
    await redis?.quit();
  });

  it('leaves its job to another worker, which completes it exactly once', async () => {
    queue = createTestQueue('bullmq', { lockDurationMs: 1000, stalledIntervalMs: 1000 });
    const prefix = queue.prefix!;
    redis = new Redis(redisUrl!);
    const worker = spawnWorker(prefix);
    child = worker.child;
    await worker.waitForEvent('ready');

    const fileDropId = randomUUID();
    expect(await queue.enqueue('intake.process-file', { fileDropId }, { jobId: 'crash' })).toBe(
      true,
    );
    expect(await worker.waitForEvent('started')).toMatchObject({ jobId: 'crash', attempt: 1 });

    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    expect(await exited).toEqual([null, 'SIGKILL']);

    // The survivor: this test process. It finds the job once the dead worker's lock expires.
    await queue.startWorker({
      'intake.process-file': async (payload, job) => {
        await redis!.rpush(`${prefix}:test:started`, `survivor:${job.attempt}`);
        await redis!.incr(`${prefix}:test:done-count`);
        await redis!.set(`${prefix}:test:done-by`, `survivor:${payload.fileDropId}`);
      },
    });
    await waitFor(async () => (await redis!.get(`${prefix}:test:done-count`)) !== null, {
      timeoutMs: 20_000,
      message: 'the surviving worker completes the job of the killed one',
    });
    await queue.drain(20_000);

    expect(await redis.lrange(`${prefix}:test:started`, 0, -1)).toEqual(['child:1', 'survivor:2']);
    expect(await redis.get(`${prefix}:test:done-count`)).toBe('1');
    expect(await redis.get(`${prefix}:test:done-by`)).toBe(`survivor:${fileDropId}`);
    const counts = await redis.zcard(`${prefix}:jobs:completed`);
    expect(counts).toBe(1);
    expect(await redis.zcard(`${prefix}:jobs:failed`)).toBe(0);
    // Completed, so the same file cannot be queued again.
    expect(await queue.enqueue('intake.process-file', { fileDropId }, { jobId: 'crash' })).toBe(
      false,
    );
  });
});
