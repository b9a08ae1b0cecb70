import { createHash } from 'node:crypto';
import { AppError } from '@alliage/domain';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { readBearerToken } from './authenticate-request.ts';

const WINDOW_MS = 60_000;
/** How long a token that authenticated stays exempt from its address's failure limit. */
const AUTHENTICATED_EXEMPTION_MS = 15 * 60_000;
/** Tokens remembered at most (a few per principal); beyond, the oldest are forgotten. */
const MAX_REMEMBERED_TOKENS = 10_000;

function tokenKey(req: Request): string | null {
  const token = readBearerToken(req);
  return token ? `token:${createHash('sha256').update(token).digest('hex')}` : null;
}

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
 * address, so rotating made-up tokens does not escape the first. A token that
 * authenticated in the last 15 minutes is exempt from the second: one caller guessing
 * tokens from an address (or behind the same proxy) does not lock its users out.
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
    keyGenerator: (req) => tokenKey(req) ?? clientAddressKey(req),
  });
  // Token hash → until when it is exempt (insertion order: oldest first).
  const authenticated = new Map<string, number>();
  const remember = (key: string) => {
    authenticated.delete(key);
    authenticated.set(key, Date.now() + AUTHENTICATED_EXEMPTION_MS);
    for (const oldest of authenticated.keys()) {
      if (authenticated.size <= MAX_REMEMBERED_TOKENS) break;
      authenticated.delete(oldest);
    }
  };
  const failedAuthentications = rateLimit({
    ...common,
    identifier: 'auth-failures',
    keyGenerator: clientAddressKey,
    skip: (req) => {
      const key = tokenKey(req);
      return key !== null && (authenticated.get(key) ?? 0) > Date.now();
    },
    requestWasSuccessful: (req, res) => {
      const succeeded = res.statusCode !== 401;
      const key = succeeded ? tokenKey(req) : null;
      if (key !== null) remember(key);
      return succeeded;
    },
    skipSuccessfulRequests: true,
  });
  return [failedAuthentications, perCaller];
}
