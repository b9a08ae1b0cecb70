import { randomUUID } from 'node:crypto';
import { AppError } from '@alliage/domain';
import { afterEach, describe, expect, it } from 'vitest';
import type { TJobContext } from './job-catalog.ts';
import {
  captureQueueLogger,
  createTestQueue,
  type TestJobQueue,
  type TestQueueOptions,
  testQueueKinds,
  waitFor,
} from './testing/index.ts';

describe.each(testQueueKinds())('%s queue', (kind) => {
  const open: TestJobQueue[] = [];
  const makeQueue = (options: TestQueueOptions = {}) => {
    const queue = createTestQueue(kind, options);
    open.push(queue);
    return queue;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((queue) => queue.close()));
  });

  it('runs an enqueued job with its payload, id and attempt', async () => {
    const queue = makeQueue();
    expect(queue.kind).toBe(kind);
    const seen: Array<{ payload: unknown; job: TJobContext }> = [];
    await queue.startWorker({
      'intake.process-file': async (payload, job) => {
        seen.push({ payload, job });
      },
    });
    const fileDropId = randomUUID();
    await expect(
      queue.enqueue('intake.process-file', { fileDropId }, { jobId: 'sha-1' }),
    ).resolves.toBe(true);
    await queue.drain();
    expect(seen).toEqual([
      { payload: { fileDropId }, job: { id: 'sha-1', attempt: 1, name: 'intake.process-file' } },
    ]);
  });

  it('refuses invalid payloads, unknown names and bad job ids at enqueue', async () => {
    const queue = makeQueue();
    let runs = 0;
    await queue.startWorker({
      'intake.process-file': async () => {
        runs += 1;
      },
    });
    const enqueueUnchecked = queue.enqueue as (
      name: string,
      payload: unknown,
      options: { jobId: string },
    ) => Promise<boolean>;

    const invalid = await enqueueUnchecked(
      'intake.process-file',
      { fileDropId: 'not-a-uuid' },
      { jobId: 'a' },
    ).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(AppError);
    expect(invalid).toMatchObject({ code: 'validation_failed', retry: false });
    expect((invalid as AppError).fields.map((field) => field.path)).toEqual([
      'intake.process-file payload.fileDropId',
    ]);

    await expect(
      enqueueUnchecked(
        'intake.process-file',
        { fileDropId: randomUUID(), extra: 1 },
        { jobId: 'b' },
      ),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(enqueueUnchecked('intake.unknown', {}, { jobId: 'c' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    for (const jobId of ['', 'with:colon', 'with space', 'x'.repeat(201)]) {
      await expect(
        queue.enqueue('housekeeping.dispatch-pending', {}, { jobId }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
    }
    await queue.drain();
    expect(runs).toBe(0);
  });

  it('processes a job id once however often it is enqueued', async () => {
    const queue = makeQueue();
    const fileDropId = randomUUID();
    // Enqueued before any worker runs: the second call must see the waiting job.
    expect(await queue.enqueue('intake.process-file', { fileDropId }, { jobId: 'same' })).toBe(
      true,
    );
    expect(await queue.enqueue('intake.process-file', { fileDropId }, { jobId: 'same' })).toBe(
      false,
    );
    const runs: string[] = [];
    await queue.startWorker({
      'intake.process-file': async (_payload, job) => {
        runs.push(`${job.name}/${job.id}`);
      },
      'housekeeping.dispatch-pending': async (_payload, job) => {
        runs.push(`${job.name}/${job.id}`);
      },
    });
    await queue.drain();
    // Completed: still taken.
    expect(await queue.enqueue('intake.process-file', { fileDropId }, { jobId: 'same' })).toBe(
      false,
    );
    // Ids are scoped by job name.
    expect(await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'same' })).toBe(true);
    await queue.drain();
    expect(runs).toEqual(['intake.process-file/same', 'housekeeping.dispatch-pending/same']);
  });

  it('deduplicates concurrent enqueues of one id', async () => {
    const queue = makeQueue();
    const fileDropId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        queue.enqueue('intake.process-file', { fileDropId }, { jobId: 'burst' }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    let runs = 0;
    await queue.startWorker({
      'intake.process-file': async () => {
        runs += 1;
      },
    });
    await queue.drain();
    expect(runs).toBe(1);
  });

  it('retries a transient error with backoff until it succeeds', async () => {
    const logger = captureQueueLogger();
    const queue = makeQueue({ retry: { attempts: 4, backoffMs: 10 }, logger });
    const attempts: number[] = [];
    await queue.startWorker({
      'housekeeping.dispatch-pending': async (_payload, job) => {
        attempts.push(job.attempt);
        if (job.attempt < 3)
          throw Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' });
      },
    });
    await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'flaky' });
    await queue.drain();
    expect(attempts).toEqual([1, 2, 3]);
    expect(logger.entries.map((entry) => [entry.level, entry.fields])).toEqual([
      [
        'warn',
        {
          jobName: 'housekeeping.dispatch-pending',
          jobId: 'flaky',
          attempt: 1,
          errorCode: 'ECONNREFUSED',
          errorName: 'Error',
          retryInMs: 10,
        },
      ],
      [
        'warn',
        {
          jobName: 'housekeeping.dispatch-pending',
          jobId: 'flaky',
          attempt: 2,
          errorCode: 'ECONNREFUSED',
          errorName: 'Error',
          retryInMs: 20,
        },
      ],
      ['info', { jobName: 'housekeeping.dispatch-pending', jobId: 'flaky', attempt: 3 }],
    ]);
  });

  it('fails a job after its last attempt, and lets its id be enqueued again', async () => {
    const logger = captureQueueLogger();
    const queue = makeQueue({ retry: { attempts: 2, backoffMs: 10 }, logger });
    let healthy = false;
    const attempts: number[] = [];
    await queue.startWorker({
      'housekeeping.dispatch-pending': async (_payload, job) => {
        attempts.push(job.attempt);
        if (!healthy) throw new Error('database down');
      },
    });
    await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'down' });
    await queue.drain();
    expect(attempts).toEqual([1, 2]);
    const failures = logger.entries.filter((entry) => entry.level === 'error');
    expect(failures.map((entry) => entry.fields)).toEqual([
      {
        jobName: 'housekeeping.dispatch-pending',
        jobId: 'down',
        attempt: 2,
        errorCode: 'internal',
        errorName: 'Error',
        permanent: false,
      },
    ]);

    healthy = true;
    expect(await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'down' })).toBe(true);
    await queue.drain();
    expect(attempts).toEqual([1, 2, 1]);
  });

  it('fails a permanent AppError once, without retry', async () => {
    const logger = captureQueueLogger();
    const queue = makeQueue({ retry: { attempts: 5, backoffMs: 10 }, logger });
    let runs = 0;
    await queue.startWorker({
      'intake.process-file': async () => {
        runs += 1;
        throw new AppError('forbidden', 'file signed by an unknown key');
      },
    });
    await queue.enqueue('intake.process-file', { fileDropId: randomUUID() }, { jobId: 'bad-sig' });
    await queue.drain();
    expect(runs).toBe(1);
    expect(logger.entries.map((entry) => [entry.level, entry.fields])).toEqual([
      [
        'error',
        {
          jobName: 'intake.process-file',
          jobId: 'bad-sig',
          attempt: 1,
          errorCode: 'forbidden',
          errorName: 'AppError',
          permanent: true,
        },
      ],
    ]);
  });

  it('retries an AppError marked retry: true', async () => {
    const queue = makeQueue({ retry: { attempts: 3, backoffMs: 10 } });
    const attempts: number[] = [];
    await queue.startWorker({
      'housekeeping.dispatch-pending': async (_payload, job) => {
        attempts.push(job.attempt);
        if (job.attempt === 1) throw new AppError('unavailable', 'pool busy', { retry: true });
      },
    });
    await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'busy' });
    await queue.drain();
    expect(attempts).toEqual([1, 2]);
  });

  it('fails a job this worker has no handler for, permanently', async () => {
    const logger = captureQueueLogger();
    const queue = makeQueue({ logger });
    await queue.startWorker({});
    await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'orphan' });
    await queue.drain();
    expect(logger.entries.map((entry) => entry.fields)).toEqual([
      expect.objectContaining({ jobId: 'orphan', errorCode: 'internal', permanent: true }),
    ]);
  });

  it('never logs what an error message says', async () => {
    const logger = captureQueueLogger();
    const queue = makeQueue({ retry: { attempts: 2, backoffMs: 10 }, logger });
    await queue.startWorker({
      'intake.process-file': async () => {
        throw new Error('row 12: jeanne.martin@example.fr is not valid');
      },
    });
    const fileDropId = randomUUID();
    await queue.enqueue('intake.process-file', { fileDropId }, { jobId: 'leaky' });
    await queue.drain();
    const logged = JSON.stringify(logger.entries);
    expect(logged).not.toContain('jeanne');
    expect(logged).not.toContain(fileDropId);
    expect(logger.entries).toHaveLength(2);
  });

  it('close waits for the running job', async () => {
    const queue = makeQueue();
    let started = false;
    let finished = false;
    let release = () => {};
    await queue.startWorker({
      'housekeeping.dispatch-pending': async () => {
        started = true;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        finished = true;
      },
    });
    await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'slow' });
    await waitFor(() => started, { message: 'the handler starts' });
    const closed = queue.close();
    release();
    await closed;
    expect(finished).toBe(true);
    await expect(
      queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'late' }),
    ).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('lets a job running at close queue its follow-up (a delivery its push)', async () => {
    const logger = captureQueueLogger();
    const queue = makeQueue({ logger });
    const deliveryId = randomUUID();
    let started = false;
    let release = () => {};
    let followUp: Promise<boolean> | null = null;
    await queue.startWorker({
      'delivery.build': async () => {
        started = true;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        followUp = queue.enqueue('delivery.push', { deliveryId }, { jobId: `push-${deliveryId}` });
        await followUp;
      },
      'delivery.push': async () => {},
    });
    await queue.enqueue('delivery.build', { selectionId: randomUUID() }, { jobId: 'build' });
    await waitFor(() => started, { message: 'the build starts' });
    const closed = queue.close();
    release();
    await closed;
    await expect(followUp).resolves.toBe(true);
    expect(logger.entries.filter((entry) => entry.level !== 'info')).toEqual(
      kind === 'bullmq'
        ? []
        : [
            expect.objectContaining({
              fields: { droppedJobs: 1, jobIds: [`delivery.push/push-${deliveryId}`] },
            }),
          ],
    );
  });

  it('drain rejects with a message when jobs are left', async () => {
    const queue = makeQueue();
    await queue.enqueue('housekeeping.dispatch-pending', {}, { jobId: 'no-worker' });
    await expect(queue.drain(100)).rejects.toThrow(/not drained after 100 ms/);
  });

  it('refuses a second worker on one queue', async () => {
    const queue = makeQueue();
    await queue.startWorker({});
    await expect(queue.startWorker({})).rejects.toMatchObject({ code: 'conflict' });
  });
});
