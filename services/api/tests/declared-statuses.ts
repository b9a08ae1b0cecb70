import { expect } from 'vitest';
import type { TestApi } from './api-test-env.ts';

interface TOpenApiResponse {
  headers?: Record<string, unknown>;
}
interface TOpenApiOperation {
  operationId: string;
  responses: Record<string, TOpenApiResponse>;
}

/** `/v1/organisations/:code` → `/v1/organisations/{code}`, as the document writes paths. */
function toDocumentPath(routePath: string): string {
  return routePath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * Each answer `api` gave on a route (`operationId status`, `operationId 503 Retry-After`)
 * that the OpenAPI document it serves does not declare for that operation.
 */
export async function listUndeclaredAnswers(api: TestApi): Promise<string[]> {
  const response = await api.call('GET', '/v1/openapi.json');
  expect(response.status).toBe(200);
  const { paths } = response.json as {
    paths: Record<string, Record<string, TOpenApiOperation>>;
  };
  const undeclared: string[] = [];
  for (const [key, answers] of api.observedAnswers) {
    const [method = '', routePath = ''] = key.split(' ');
    const operation = paths[toDocumentPath(routePath)]?.[method.toLowerCase()];
    if (operation === undefined) {
      undeclared.push(`${key}: not in the document`);
      continue;
    }
    for (const answer of answers) {
      const [status = '', header] = answer.split(' ');
      const declared = operation.responses[status];
      if (declared === undefined || (header !== undefined && !declared.headers?.[header])) {
        undeclared.push(`${operation.operationId} ${answer}`);
      }
    }
  }
  return undeclared.sort();
}

/**
 * Asserts that the OpenAPI document declares every status (and `Retry-After`) the tests
 * so far saw `api` answer: call it last in a suite.
 */
export async function expectObservedAnswersDeclared(api: TestApi): Promise<void> {
  expect(api.observedAnswers.size).toBeGreaterThan(0);
  expect(await listUndeclaredAnswers(api)).toEqual([]);
}
