import { ZRole } from '@alliage/domain';
import { z } from 'zod';
import type { TApiRoute, TRouteFailure } from './api-route.ts';
import { ZProblem } from './problem.ts';

type TJsonSchema = Record<string, unknown>;

export interface BuildOpenApiDocumentOptions {
  title?: string;
  version?: string;
}

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of what a caller sends for `schema`. */
function toInputJsonSchema(schema: z.ZodType): TJsonSchema {
  // Input side: coercions and transforms are documented as what the caller writes.
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as TJsonSchema;
  return json;
}

/** OpenAPI parameters (`in: path` or `in: query`) from an object schema's properties. */
function toParameters(schema: z.ZodType | null, location: 'path' | 'query'): TJsonSchema[] {
  if (schema === null) return [];
  const json = toInputJsonSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, TJsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
  }));
}

/** `/v1/organisations/:code` → `/v1/organisations/{code}`. */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

const RETRY_AFTER_HEADER: TJsonSchema = {
  description: 'Seconds to wait before trying again',
  schema: { type: 'integer', minimum: 0 },
};

function problemResponse(description: string, headers?: Record<string, TJsonSchema>): TJsonSchema {
  return {
    description,
    ...(headers === undefined ? {} : { headers }),
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

/** Status and cause of each failure a route declares (`TRouteFailure`). */
const FAILURES: Record<TRouteFailure, { status: number; cause: string }> = {
  not_found: { status: 404, cause: 'an object the request names does not exist' },
  conflict: {
    status: 409,
    cause: 'the object is not in a state that allows this (already exists, already decided…)',
  },
  pool: { status: 503, cause: 'this API process has not opened the pool' },
  repoussoir: {
    status: 503,
    cause: 'a repoussoir import is being applied (with Retry-After)',
  },
  not_configured: {
    status: 503,
    cause: 'a service this route needs is not set up in this process',
  },
  retryable: { status: 503, cause: 'a step failed for a passing reason (I/O, an outside server)' },
};

/**
 * The error responses `route` can really answer, derived from what the mount does for it
 * (token and role, schemas, organisation scope, body limit, rate limit) and the failures
 * its handler declares.
 */
function errorResponses(route: TApiRoute): Record<string, TJsonSchema> {
  const causes = new Map<number, string[]>();
  const add = (status: number, cause: string) => {
    causes.set(status, [...(causes.get(status) ?? []), cause]);
  };
  const access = route.access;
  if (route.params || route.query || route.body)
    add(400, 'invalid input (each offending field is listed)');
  if (route.body) add(400, 'a body that is not well-formed JSON');
  if (access.kind === 'roles') {
    add(401, 'missing, unknown, expired or revoked token');
    if (ZRole.options.some((role) => !access.roles.includes(role))) {
      add(403, 'the route is not open to this role');
    }
  }
  if (route.params) add(404, 'not found');
  if (access.kind === 'roles' && access.scope)
    add(404, 'another organisation’s (answered as not found)');
  for (const failure of route.failures) add(FAILURES[failure].status, FAILURES[failure].cause);
  if (route.body) add(413, 'body larger than the route accepts');
  add(429, 'rate limit reached (with Retry-After)');
  add(500, 'internal error (quote the request id)');

  const responses: Record<string, TJsonSchema> = {};
  for (const status of [...causes.keys()].sort((a, b) => a - b)) {
    const text = [...new Set(causes.get(status))].join('; ');
    const description = text.charAt(0).toUpperCase() + text.slice(1);
    const retryAfter = status === 429 || (status === 503 && route.failures.includes('repoussoir'));
    responses[String(status)] = problemResponse(
      description,
      retryAfter ? { 'Retry-After': RETRY_AFTER_HEADER } : undefined,
    );
  }
  return responses;
}

function toOperation(route: TApiRoute): TJsonSchema {
  const authed = route.access.kind === 'roles';
  const responses: Record<string, TJsonSchema> = {
    [String(route.status)]: {
      description: route.status === 201 ? 'Created' : 'OK',
      content: Object.fromEntries(route.produces.map((type) => [type, {}])),
    },
    ...errorResponses(route),
  };

  const operation: TJsonSchema = {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    security: authed ? [{ bearerAuth: [] }] : [],
    parameters: [...toParameters(route.params, 'path'), ...toParameters(route.query, 'query')],
    responses,
  };
  if (route.access.kind === 'roles') {
    operation['x-alliage-roles'] = [...route.access.roles];
    if (route.access.scope) {
      operation['x-alliage-own-organisation-param'] = route.access.scope.param;
      operation.description =
        `Roles: ${route.access.roles.join(', ')}. Roles other than operator and compliance ` +
        `may only name their own organisation in \`${route.access.scope.param}\`.`;
    } else {
      operation.description = `Roles: ${route.access.roles.join(', ')}.`;
    }
  } else {
    operation.description = 'No token needed.';
  }
  if (route.body) {
    operation.requestBody = {
      required: true,
      content: { 'application/json': { schema: toInputJsonSchema(route.body) } },
    };
  }
  return operation;
}

/**
 * The OpenAPI 3.1 document of a route registry, generated from the same zod
 * schemas the routes validate with.
 *
 * @example
 * const document = buildOpenApiDocument(listApiRoutes());
 */
export function buildOpenApiDocument(
  routes: readonly TApiRoute[],
  options: BuildOpenApiDocumentOptions = {},
): TJsonSchema {
  const paths: Record<string, Record<string, TJsonSchema>> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method] = toOperation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'Alliage API',
      version: options.version ?? '0.1.0',
      description: 'Bearer-token API of the Alliage platform. Errors are application/problem+json.',
    },
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An `alg_…` API token' },
      },
      schemas: { Problem: toInputJsonSchema(ZProblem) },
    },
  };
}
