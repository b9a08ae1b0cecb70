import { createHash } from 'node:crypto';
import { AppError } from '@alliage/domain';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { readBearerToken } from './authenticate-request.ts';

const WINDOW_MS = 60_000;

function clientAddressKey(req: Request): string {
  return `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
}

function rejectRateLimited(_req: Request, _res: Response, next: NextFunction): void {
  next(new AppError('rate_limited', 'too many requests; retry after the Retry-After delay'));
}

/**
 * Two limiters of `perMinute` requests a minute, answering a 429 problem:
 * requests counted per bearer token (its SHA-256, never the token) or, without one,
 * per client address; and refused authentications (401) counted per client
 * address, so rotating made-up tokens does not escape the first.
 *
 * @example
 * app.use(...createRateLimiters(600));
 */
export function createRateLimiters(perMinute: number): RequestHandler[] {
  const common = {
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: rejectRateLimited,
  } as const;
  const perCaller = rateLimit({
    ...common,
    identifier: 'caller',
    keyGenerator: (req) => {
      const token = readBearerToken(req);
      if (!token) return clientAddressKey(req);
      return `token:${createHash('sha256').update(token).digest('hex')}`;
    },
  });
  const failedAuthentications = rateLimit({
    ...common,
    identifier: 'auth-failures',
    keyGenerator: clientAddressKey,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    skipSuccessfulRequests: true,
  });
  return [failedAuthentications, perCaller];
}
