import { z } from 'zod';
import type { TApiRoute } from './api-route.ts';
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

function problemResponse(description: string): TJsonSchema {
  return {
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

function toOperation(route: TApiRoute): TJsonSchema {
  const authed = route.access.kind === 'roles';
  const responses: Record<string, TJsonSchema> = {
    [String(route.status)]: {
      description: route.status === 201 ? 'Created' : 'OK',
      content: Object.fromEntries(route.produces.map((type) => [type, {}])),
    },
  };
  if (route.params || route.query || route.body) {
    responses['400'] = problemResponse('Invalid input (each offending field is listed)');
  }
  if (authed) {
    responses['401'] = problemResponse('Missing, unknown, expired or revoked token');
    responses['403'] = problemResponse('The route is not open to this role');
  }
  if (route.params || (route.access.kind === 'roles' && route.access.scope)) {
    responses['404'] = problemResponse('Not found (or another organisation’s)');
  }
  if (route.body) responses['413'] = problemResponse('Body larger than the configured limit');
  responses['429'] = problemResponse('Rate limit reached');
  responses['500'] = problemResponse('Internal error');

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
