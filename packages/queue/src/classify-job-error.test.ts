import { AppError } from '@alliage/domain';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { classifyJobError } from './classify-job-error.ts';

describe('classifyJobError', () => {
  it('makes an AppError permanent unless it asks for a retry', () => {
    expect(classifyJobError(new AppError('validation_failed', 'bad file'))).toEqual({
      permanent: true,
      errorCode: 'validation_failed',
      errorName: 'AppError',
    });
    expect(classifyJobError(new AppError('unavailable', 'busy', { retry: true })).permanent).toBe(
      false,
    );
  });

  it('retries other errors and keeps Node system codes', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyJobError(refused)).toEqual({
      permanent: false,
      errorCode: 'ECONNREFUSED',
      errorName: 'Error',
    });
    expect(classifyJobError(Object.assign(new Error('x'), { code: 'jeanne@example.fr' }))).toEqual({
      permanent: false,
      errorCode: 'internal',
      errorName: 'Error',
    });
    expect(classifyJobError('a string').permanent).toBe(false);
  });

  it("treats BullMQ's UnrecoverableError as permanent", () => {
    expect(classifyJobError(new UnrecoverableError('stop')).permanent).toBe(true);
  });
});
