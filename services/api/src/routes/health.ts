import { definePublicRoute } from '../api-route.ts';

/** `GET /healthz`: liveness, with what the host adds (version, back-ends). No token. */
export const healthRoute = definePublicRoute({
  operationId: 'getHealth',
  method: 'get',
  path: '/healthz',
  summary: 'Liveness and the back-ends in use',
  tag: 'platform',
  handler: async ({ deps }) => ({ status: 'ok', ...((await deps.health?.()) ?? {}) }),
});

export const healthRoutes = [healthRoute];
