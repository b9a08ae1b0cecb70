import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUploadBufferBudget } from './create-upload-buffer-budget.ts';
import {
  createUploadWriter,
  UploadWriteError,
  type UploadWriterOptions,
} from './create-upload-writer.ts';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'alliage-writer-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function writerOnTempFile(
  maxBytes: number,
  extra: Omit<UploadWriterOptions, 'fileHandle' | 'maxBytes'> = {},
) {
  const path = join(directory, 'upload.part');
  const fileHandle = await open(path, 'wx');
  const writer = createUploadWriter({ fileHandle, maxBytes, ...extra });
  return { path, fileHandle, writer };
}

/** A writer whose allowance is a shared budget of `perOrganisationBytes` for M1. */
async function writerWithBudgetOf(perOrganisationBytes: number) {
  const budget = createUploadBufferBudget({
    maxAheadBytes: 1000,
    perOrganisationBytes,
    totalBytes: 100,
  });
  const { writer } = await writerOnTempFile(1000, { allowance: budget.allowanceFor('M1') });
  return { budget, writer };
}

/** Settles to 'pending' when `promise` has not settled after the disk had a chance to answer. */
async function stateOf(promise: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  const outcome = promise.then(
    () => 'resolved' as const,
    () => 'rejected' as const,
  );
  return Promise.race([
    outcome,
    new Promise<'pending'>((resolve) => setImmediate(resolve, 'pending')),
  ]);
}

describe('createUploadWriter', () => {
  it('writes sequential chunks and hashes them', async () => {
    const { path, fileHandle, writer } = await writerOnTempFile(1000);
    const data = Buffer.from('abcdefghijklmnopqrstuvwxyz');
    await writer.write(0, data.subarray(0, 10));
    await writer.write(10, data.subarray(10));
    expect(await writer.finish()).toEqual({ size: 26, sha256: sha256(data) });
    await fileHandle.close();
    expect(await readFile(path)).toEqual(data);
  });

  it('reorders chunks that arrive ahead of a gap (pipelined clients) and hashes in file order', async () => {
    const { path, fileHandle, writer } = await writerOnTempFile(1000);
    const data = Buffer.from('0123456789ABCDEFGHIJ');
    const writes = [
      writer.write(10, data.subarray(10, 15)),
      writer.write(15, data.subarray(15)),
      writer.write(0, data.subarray(0, 10)),
    ];
    await Promise.all(writes);
    expect(await writer.finish()).toEqual({ size: 20, sha256: sha256(data) });
    await fileHandle.close();
    expect(await readFile(path)).toEqual(data);
  });

  it('answers a chunk ahead of a gap only once it is on disk', async () => {
    const { writer } = await writerOnTempFile(1000);
    const ahead = writer.write(5, Buffer.from('later'));
    expect(await stateOf(ahead)).toBe('pending');
    await writer.write(0, Buffer.from('first'));
    await expect(ahead).resolves.toBeUndefined();
  });

  it('refuses a gap that is never filled, and the writes waiting on it', async () => {
    const { writer } = await writerOnTempFile(1000);
    const ahead = writer.write(5, Buffer.from('late'));
    await expect(writer.finish()).rejects.toMatchObject({ reason: 'incomplete' });
    await expect(ahead).rejects.toMatchObject({ reason: 'incomplete' });
  });

  it('refuses rewriting bytes already accepted (write-once)', async () => {
    const { writer } = await writerOnTempFile(1000);
    await writer.write(0, Buffer.from('hello'));
    await expect(writer.write(2, Buffer.from('xx'))).rejects.toBeInstanceOf(UploadWriteError);
    await expect(writer.write(5, Buffer.from('more'))).rejects.toMatchObject({
      reason: 'overlapping_write',
    });
  });

  it('refuses overlapping chunks waiting in the buffer', async () => {
    const { writer } = await writerOnTempFile(1000);
    const waiting = writer.write(10, Buffer.from('abcdef'));
    await expect(writer.write(12, Buffer.from('zz'))).rejects.toMatchObject({
      reason: 'overlapping_write',
    });
    await expect(waiting).rejects.toMatchObject({ reason: 'overlapping_write' });
  });

  it('refuses the first byte beyond the cap, at any offset, before storing it', async () => {
    const { path, fileHandle, writer } = await writerOnTempFile(8);
    await writer.write(0, Buffer.from('12345678'));
    await expect(writer.write(8, Buffer.from('9'))).rejects.toMatchObject({ reason: 'too_large' });
    await expect(writer.finish()).rejects.toMatchObject({ reason: 'too_large' });
    await fileHandle.close();
    expect((await readFile(path)).length).toBe(8);

    const second = await writerOnTempFile(8).catch(() => null);
    expect(second).toBeNull(); // same path, opened exclusively: proves the first file is still there
  });

  it('refuses a write that ends too far past the bytes received in order', async () => {
    const { writer } = await writerOnTempFile(1000, { maxAheadBytes: 100 });
    void writer.write(10, Buffer.alloc(90)).catch(() => undefined); // ends at 100: allowed
    await expect(writer.write(100, Buffer.alloc(1))).rejects.toMatchObject({
      reason: 'too_far_ahead',
    });
  });

  it('holds no more than its allowance and gives it all back', async () => {
    const { budget, writer } = await writerWithBudgetOf(10);
    const first = writer.write(100, Buffer.alloc(8));
    expect(budget.stats().bytes).toBe(8);
    await expect(writer.write(200, Buffer.alloc(8))).rejects.toMatchObject({
      reason: 'buffer_full',
    });
    await expect(first).rejects.toMatchObject({ reason: 'buffer_full' });
    await writer.finish().catch(() => undefined);
    expect(budget.stats()).toMatchObject({ bytes: 0, peakBytes: 8 });
  });

  it('gives back bytes once they are on disk', async () => {
    const { budget, writer } = await writerWithBudgetOf(10);
    for (let offset = 0; offset < 40; offset += 8) await writer.write(offset, Buffer.alloc(8));
    expect(await writer.finish()).toMatchObject({ size: 40 });
    expect(budget.stats()).toMatchObject({ bytes: 0, peakBytes: 8 });
  });

  it('refuses writes after finish and can be finished twice', async () => {
    const { writer } = await writerOnTempFile(1000);
    await writer.write(0, Buffer.from('a'));
    const first = await writer.finish();
    expect(await writer.finish()).toEqual(first);
    await expect(writer.write(1, Buffer.from('b'))).rejects.toMatchObject({ reason: 'closed' });
  });
});
