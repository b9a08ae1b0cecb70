import { isAppError } from '@alliage/domain';
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { UNAUTHENTICATED_MESSAGE } from './authenticate-request.ts';
import { closeIfBodyUnread } from './close-if-body-unread.ts';
import { sendProblem, type TProblem, toProblem } from './problem.ts';
import { requestState } from './request-state.ts';

interface HttpParserError {
  type?: unknown;
  status?: unknown;
  limit?: unknown;
}

/** The problem for an error raised by Express itself or its body parser, null for anything else. */
function toHttpParserProblem(error: unknown): TProblem | null {
  if (typeof error !== 'object' || error === null) return null;
  const { type, status } = error as HttpParserError;
  if (type === 'entity.too.large') {
    return toProblem('payload_too_large', 'the request body is larger than this API accepts');
  }
  if (type === 'entity.parse.failed') {
    return toProblem('bad_request', 'the request body is not well-formed JSON');
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Other client errors of the body parser or the router (bad encoding, bad URL escape…).
    return toProblem('bad_request', 'the request could not be read');
  }
  return null;
}

/**
 * The last middleware: turns any error into an `application/problem+json` answer.
 * AppError keeps its status, code, safe message and field list (and its retry delay as
 * `Retry-After`); body-parser errors
 * become 400/413; anything else, `internal` AppErrors included, is a 500 that says
 * nothing about internals and is logged (name, message, stack) with the request id.
 *
 * @example
 * app.use(createApiErrorHandler(logger));
 */
export function createApiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    // A refusal (401, 403, 404, 413…) is answered without reading what is left of the body.
    closeIfBodyUnread(req, res);
    const state = requestState(res);
    const requestId = state.requestId || null;
    // An `internal` AppError is the platform's own failure (an audit event it could not
    // write…): like any unexpected error, the caller learns nothing of it but the request id.
    if (isAppError(error) && error.code !== 'internal') {
      if (error.code === 'unauthenticated') {
        res.setHeader('WWW-Authenticate', 'Bearer realm="alliage"');
        sendProblem(res, toProblem('unauthenticated', UNAUTHENTICATED_MESSAGE), requestId);
        return;
      }
      if (error.retryAfterSeconds !== null) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
      }
      sendProblem(res, toProblem(error.code, error.message, error.fields), requestId);
      return;
    }
    const parserProblem = toHttpParserProblem(error);
    if (parserProblem !== null) {
      sendProblem(res, parserProblem, requestId);
      return;
    }
    const cause = error instanceof Error ? error : new Error(String(error));
    // Logged without the error's own fields: a driver error can carry row values in
    // `detail`; an AppError's message names fields, never values.
    logger.error(
      {
        requestId,
        route: state.routePath,
        principalId: state.auth?.principal.id ?? null,
        err: {
          name: cause.name,
          ...(isAppError(cause) ? { code: cause.code } : {}),
          message: cause.message,
          stack: cause.stack,
        },
      },
      'unhandled error',
    );
    sendProblem(
      res,
      toProblem('internal', 'an internal error occurred; quote the request id to support'),
      requestId,
    );
  };
}
