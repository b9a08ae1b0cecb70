import { AppError, parseInput } from '@alliage/domain';
import { isJobName, JOB_CATALOG, type TJobName } from './job-catalog.ts';

/** A job whose name is in the catalog and whose payload passed its schema. */
export interface TParsedJob {
  name: TJobName;
  payload: Record<string, unknown>;
}

/**
 * Checks a job name and payload against the catalog, at enqueue and again when a
 * job is consumed (Redis may hold jobs written by another version). Throws a
 * `validation_failed` AppError, which is permanent: a retry would fail the same way.
 *
 * @example
 * parseJobRequest('intake.process-file', { fileDropId }); // { name, payload }
 */
export function parseJobRequest(name: string, payload: unknown): TParsedJob {
  if (!isJobName(name)) {
    throw new AppError(
      'validation_failed',
      `unknown job name ${JSON.stringify(name.slice(0, 100))}`,
      {
        fields: [{ path: 'name', message: 'not in the job catalog' }],
      },
    );
  }
  const parsed = parseInput(JOB_CATALOG[name], payload, `${name} payload`);
  return { name, payload: parsed };
}
