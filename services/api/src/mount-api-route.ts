import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, isStaffRole } from '@alliage/domain';
import type { Request, Response, Router } from 'express';
import { isStreamReply, isTextReply, type TApiRoute, type TAuthContext } from './api-route.ts';
import { authenticateRequest } from './authenticate-request.ts';
import { closeIfBodyUnread } from './close-if-body-unread.ts';
import type { ApiDeps } from './create-api-app.ts';
import { denyAccess } from './deny-access.ts';
import { parseRequestPart } from './parse-request-part.ts';
import { createJsonBodyReader } from './read-json-body.ts';
import { requestState } from './request-state.ts';

/**
 * Mounts one registry route on `router`. Every request goes through the same
 * steps, in this order: bearer token (401), role (403), path parameters (400),
 * organisation scope (404), query (400), body (read only now, and only for a route
 * that takes one: 400, 413), then the handler.
 *
 * @example
 * for (const route of routes) mountApiRoute(router, route, deps, routes);
 */
export function mountApiRoute(
  router: Router,
  route: TApiRoute,
  deps: ApiDeps,
  routes: readonly TApiRoute[],
): void {
  const readBody = route.body ? createJsonBodyReader(route.bodyLimit ?? deps.http.bodyLimit) : null;
  router[route.method](route.path, async (req: Request, res: Response) => {
    const ctx = deps.control;
    const state = requestState(res);
    state.routePath = route.path;
    const access = route.access;

    let auth: TAuthContext | null = null;
    if (access.kind === 'roles') {
      auth = await authenticateRequest(ctx, req, route.path);
      state.auth = auth;
      if (!access.roles.includes(auth.principal.role)) {
        await denyAccess(ctx, auth, {
          reason: 'role',
          method: req.method,
          route: route.path,
          targetCode: req.params.code,
        });
      }
    }

    const params = route.params ? parseRequestPart(route.params, req.params, 'params') : {};

    if (access.kind === 'roles' && access.scope !== null && auth !== null) {
      const code = (params as Record<string, unknown>)[access.scope.param];
      if (!isStaffRole(auth.principal.role) && code !== auth.principal.organisationCode) {
        await denyAccess(ctx, auth, {
          reason: 'organisation',
          method: req.method,
          route: route.path,
          targetCode: code,
          notFoundMessage: `${access.scope.label} ${String(code)} not found`,
        });
      }
    }

    const query = route.query ? parseRequestPart(route.query, req.query, 'query') : {};
    let body: unknown;
    if (route.body && readBody) {
      // An empty body is parsed (and refused) as missing; a non-empty one must be JSON.
      const hasContent =
        req.headers['transfer-encoding'] !== undefined ||
        Number(req.headers['content-length'] ?? 0) > 0;
      if (hasContent && !req.is('application/json')) {
        throw new AppError('bad_request', 'the request body must be application/json');
      }
      body = parseRequestPart(route.body, await readBody(req, res), 'body');
    }

    const result = await route.handler({
      params,
      query,
      body,
      auth,
      deps,
      ctx,
      routes,
      req,
      res,
    });
    closeIfBodyUnread(req, res);
    if (isStreamReply(result)) {
      res.status(route.status).set(result.headers).type(result.contentType);
      try {
        await pipeline(Readable.from(result.chunks), res);
      } catch (error) {
        // The caller went away: the producer was stopped (and records so); nothing to answer.
        if ((error as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
        throw error;
      }
      return;
    }
    if (isTextReply(result)) {
      res.status(route.status).set(result.headers).type(result.contentType).send(result.text);
      return;
    }
    res.status(route.status).json(result);
  });
}
