export type {
  TApiRoute,
  TAuthContext,
  THttpMethod,
  TOrganisationScope,
  TRouteAccess,
  TRouteInput,
} from './api-route.ts';
export type { BuildOpenApiDocumentOptions } from './build-openapi-document.ts';
export { buildOpenApiDocument, toOpenApiPath } from './build-openapi-document.ts';
export type { ApiDeps } from './create-api-app.ts';
export { createApiApp } from './create-api-app.ts';
export { listApiRoutes } from './list-api-routes.ts';
export type { TProblem } from './problem.ts';
export { ZProblem } from './problem.ts';
export type { ApiServer } from './start-api-server.ts';
export { startApiServer } from './start-api-server.ts';
