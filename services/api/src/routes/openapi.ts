import type { TApiRoute } from '../api-route.ts';
import { definePublicRoute } from '../api-route.ts';
import { buildOpenApiDocument } from '../build-openapi-document.ts';

/** Built once per registry: the schemas do not change while the process runs. */
const documents = new WeakMap<readonly TApiRoute[], Record<string, unknown>>();

/** `GET /v1/openapi.json`: the OpenAPI 3.1 document of every registered route. */
export const openApiRoute = definePublicRoute({
  operationId: 'getOpenApiDocument',
  method: 'get',
  path: '/v1/openapi.json',
  summary: 'This API, as an OpenAPI 3.1 document',
  tag: 'platform',
  handler: async ({ routes }) => {
    let document = documents.get(routes);
    if (document === undefined) {
      document = buildOpenApiDocument(routes);
      documents.set(routes, document);
    }
    return document;
  },
});

export const openApiRoutes = [openApiRoute];
