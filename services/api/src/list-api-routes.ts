import type { TApiRoute } from './api-route.ts';
import { auditRoutes } from './routes/audit.ts';
import { dialectRoutes } from './routes/dialects.ts';
import { fileRoutes } from './routes/files.ts';
import { healthRoutes } from './routes/health.ts';
import { instructionRoutes } from './routes/instructions.ts';
import { keyRoutes } from './routes/keys.ts';
import { meRoutes } from './routes/me.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { organisationRoutes } from './routes/organisations.ts';
import { platformRoutes } from './routes/platform.ts';
import { poolRoutes } from './routes/pool.ts';
import { principalRoutes } from './routes/principals.ts';
import { pullSourceRoutes } from './routes/pull-sources.ts';
import { pushTargetRoutes } from './routes/push-targets.ts';
import { registerRoutes } from './routes/register.ts';
import { repoussoirRoutes } from './routes/repoussoir.ts';
import { rightsRequestRoutes } from './routes/rights-requests.ts';
import { selectionRoutes } from './routes/selections.ts';
import { tokenRoutes } from './routes/tokens.ts';

const API_ROUTES: readonly TApiRoute[] = Object.freeze([
  ...healthRoutes,
  ...meRoutes,
  ...organisationRoutes,
  ...principalRoutes,
  ...tokenRoutes,
  ...keyRoutes,
  ...instructionRoutes,
  ...fileRoutes,
  ...dialectRoutes,
  ...pullSourceRoutes,
  ...repoussoirRoutes,
  ...rightsRequestRoutes,
  ...poolRoutes,
  ...selectionRoutes,
  ...pushTargetRoutes,
  ...auditRoutes,
  ...registerRoutes,
  ...platformRoutes,
  ...openApiRoutes,
]);

/**
 * The route registry: every route the API serves, with its method, path, roles
 * and schemas. The app mounts it, the OpenAPI document lists it, the tests walk it.
 *
 * @example
 * const publicRoutes = listApiRoutes().filter((route) => route.access.kind === 'public');
 */
export function listApiRoutes(): readonly TApiRoute[] {
  return API_ROUTES;
}
