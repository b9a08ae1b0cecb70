import { parseInput } from '@alliage/domain';
import type { TJobName } from './job-catalog.ts';
import { toStoredJobId, ZJobId } from './job-id.ts';
import { parseJobRequest } from './parse-job-request.ts';

/** A validated `enqueue` call, with the payload as the JSON that crosses the queue. */
export interface TEnqueueRequest {
  name: TJobName;
  payload: Record<string, unknown>;
  jobId: string;
  storedJobId: string;
}

/**
 * Validates an `enqueue` call (name, payload, jobId) for either queue; throws a
 * `validation_failed` AppError naming the offending fields.
 *
 * @example
 * parseEnqueueRequest('intake.process-file', { fileDropId }, { jobId: sha256 });
 */
export function parseEnqueueRequest(
  name: string,
  payload: unknown,
  options: { jobId: string },
): TEnqueueRequest {
  const job = parseJobRequest(name, payload);
  const jobId = parseInput(ZJobId, options?.jobId, 'jobId');
  // A JSON round trip, as through Redis: the in-process queue then sees exactly what BullMQ would.
  const json = JSON.parse(JSON.stringify(job.payload)) as Record<string, unknown>;
  return { name: job.name, payload: json, jobId, storedJobId: toStoredJobId(job.name, jobId) };
}
