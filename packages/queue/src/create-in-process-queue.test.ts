import { describe, expect, it } from 'vitest';
import { COMPLETED_JOB_RETENTION_MS } from './completed-job-retention.ts';
import { createInProcessQueue, type TQueueTimers } from './create-in-process-queue.ts';
import { captureQueueLogger, waitFor } from './testing/index.ts';

/** Timers that record each wait and fire only when the test says so. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  const requested: number[] = [];
  let nextHandle = 0;
  const timers: TQueueTimers = {
    setTimeout(callback, ms) {
      nextHandle += 1;
      pending.set(nextHandle, { callback, ms });
      requested.push(ms);
      return nextHandle;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
  };
  const fireAll = () => {
    const due = [...pending.values()];
    pending.clear();
    for (const timer of due) timer.callback();
  };
  return { timers, pending, requested, fireAll };
}

describe('in-process queue', () => {
  it('waits an exponential backoff between attempts', async () => {
    const clock = manualTimers();
    const queue = createInProcessQueue({
      retry: { attempts: 4, backoffMs: 500 },
      logger: captureQueueLogger(),
      timers: clock.timers,
    });
    const attempts: number[] = [];
    await queue.startWorker({
      'housekeeping.dispatch-pending': async (_payload, job) => {
        attempts.push(job.attempt);
        throw new Error('still down');
      },
    });
    await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'down' });
    for (const runs of [1, 2, 3]) {
      await waitFor(() => clock.pending.size === 1, { message: `retry ${runs} is scheduled` });
      clock.fireAll();
    }
    await queue.drain();
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(clock.requested).toEqual([500, 1000, 2000]);
    await queue.close();
  });

  it('close cancels pending retries and drops waiting jobs, logging their ids', async () => {
    const clock = manualTimers();
    const logger = captureQueueLogger();
    const queue = createInProcessQueue({
      retry: { attempts: 3, backoffMs: 500 },
      logger,
      timers: clock.timers,
    });
    let runs = 0;
    await queue.startWorker({
      'housekeeping.dispatch-pending': async () => {
        runs += 1;
        throw new Error('down');
      },
    });
    await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'retrying' });
    await waitFor(() => clock.pending.size === 1, { message: 'a retry is scheduled' });
    await queue.close();
    expect(clock.pending.size).toBe(0);
    expect(runs).toBe(1);
    expect(logger.entries.at(-1)?.fields).toEqual({
      droppedJobs: 1,
      jobIds: ['housekeeping.dispatch-pending/retrying'],
    });
    await queue.drain(100);
  });

  it('holds jobs until a worker starts', async () => {
    const queue = createInProcessQueue({ logger: captureQueueLogger() });
    await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'early' });
    let runs = 0;
    await queue.startWorker({
      'housekeeping.dispatch-pending': async () => {
        runs += 1;
      },
    });
    await queue.drain();
    expect(runs).toBe(1);
    await queue.close();
  });

  it('runs up to `concurrency` jobs at once', async () => {
    const queue = createInProcessQueue({ logger: captureQueueLogger() });
    let running = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    await queue.startWorker(
      {
        'housekeeping.dispatch-pending': async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise<void>((resolve) => releases.push(resolve));
          running -= 1;
        },
      },
      { concurrency: 2 },
    );
    for (const jobId of ['a', 'b', 'c']) {
      await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId });
    }
    await waitFor(() => releases.length === 2, { message: 'two jobs start' });
    expect(running).toBe(2);
    for (const release of releases.splice(0)) release();
    await waitFor(() => releases.length === 1, { message: 'the third job starts' });
    releases[0]!();
    await queue.drain();
    expect(peak).toBe(2);
    await queue.close();
  });

  it('forgets a completed id once past the retention, as BullMQ does, and not before', async () => {
    const clock = { ms: Date.parse('2026-12-06T10:00:00Z') };
    const queue = createInProcessQueue({ logger: captureQueueLogger(), now: () => clock.ms });
    const runs: string[] = [];
    await queue.startWorker({
      'housekeeping.dispatch-pending': async (_payload, job) => {
        runs.push(job.id);
      },
    });
    expect(await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'old' })).toBe(true);
    await queue.drain();
    clock.ms += COMPLETED_JOB_RETENTION_MS / 2;
    expect(await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'recent' })).toBe(
      true,
    );
    await queue.drain();

    // Within the window both ids are known: enqueueing them again runs nothing.
    clock.ms += COMPLETED_JOB_RETENTION_MS / 2 - 1;
    expect(await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'old' })).toBe(false);
    expect(await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'recent' })).toBe(
      false,
    );
    // Past it, the older id is forgotten and runs again; the newer one is still known.
    clock.ms += 1;
    expect(await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'old' })).toBe(true);
    expect(await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'recent' })).toBe(
      false,
    );
    await queue.drain();
    expect(runs).toEqual(['old', 'recent', 'old']);
    await queue.close();
  });
});
