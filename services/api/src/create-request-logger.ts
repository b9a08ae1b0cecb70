import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { requestState } from './request-state.ts';

/** An incoming X-Request-Id is kept only when it is short and plain (it ends up in logs). */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{8,100}$/;

/**
 * Gives each request an id (echoed as `X-Request-Id`) and logs one line when it
 * ends: id, method, route template, status, principal id and duration. Never the
 * URL (query strings), headers, bodies or tokens.
 *
 * @example
 * app.use(createRequestLogger(logger));
 */
export function createRequestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const state = requestState(res);
    const incoming = req.get('x-request-id');
    state.requestId =
      incoming !== undefined && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', state.requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const status = res.statusCode;
      const fields = {
        requestId: state.requestId,
        method: req.method,
        route: state.routePath,
        status,
        principalId: state.auth?.principal.id ?? null,
        durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
      };
      if (status >= 500) logger.error(fields, 'request failed');
      else logger.info(fields, 'request');
    });
    next();
  };
}
