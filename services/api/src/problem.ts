import { HTTP_STATUS_BY_CODE, type TErrorCode, type TFieldIssue } from '@alliage/domain';
import type { Response } from 'express';
import { z } from 'zod';

const TITLE_BY_CODE: Record<TErrorCode, string> = {
  bad_request: 'Bad Request',
  validation_failed: 'Validation Failed',
  unauthenticated: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'Not Found',
  conflict: 'Conflict',
  payload_too_large: 'Payload Too Large',
  rate_limited: 'Too Many Requests',
  locked: 'Locked',
  unavailable: 'Service Unavailable',
  internal: 'Internal Server Error',
};

/** An RFC 9457 problem document as the API answers it; `errors` never echo values. */
export const ZProblem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
  requestId: z.string().optional(),
});
export type TProblem = z.infer<typeof ZProblem>;

/**
 * The problem document for an error code and a caller-safe message.
 *
 * @example
 * toProblem('not_found', 'organisation M07 not found');
 */
export function toProblem(
  code: TErrorCode,
  detail: string,
  errors: readonly TFieldIssue[] = [],
): TProblem {
  return {
    type: `urn:alliage:problem:${code}`,
    title: TITLE_BY_CODE[code],
    status: HTTP_STATUS_BY_CODE[code],
    detail,
    code,
    errors: errors.map((issue) => ({ path: issue.path, message: issue.message })),
  };
}

/** Sends a problem as `application/problem+json`, with the request id when there is one. */
export function sendProblem(res: Response, problem: TProblem, requestId: string | null): void {
  const body: TProblem = requestId === null ? problem : { ...problem, requestId };
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(body));
}
