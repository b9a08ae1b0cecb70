import { appendAuditEvent, authenticateApiToken, type ControlContext } from '@alliage/control';
import { AppError } from '@alliage/domain';
import type { Request } from 'express';
import type { TAuthContext } from './api-route.ts';

/** What the audit chain records as the actor of a request without a valid token. */
export const ANONYMOUS_ACTOR_REF = 'anonymous';

/** One message for every refusal, so a caller cannot tell an unknown token from a revoked one. */
export const UNAUTHENTICATED_MESSAGE = 'a valid bearer token is required';

const BEARER_PATTERN = /^Bearer +([\x21-\x7e]+)$/i;

/** The bearer token of a request, `null` without an Authorization header, `''` when malformed. */
export function readBearerToken(req: Request): string | null {
  const header = req.get('authorization');
  if (header === undefined) return null;
  return BEARER_PATTERN.exec(header.trim())?.[1] ?? '';
}

/**
 * Authenticates the bearer token of a request with `authenticateApiToken`. A
 * refusal appends `auth.failed` (reason, method, route; never the token) and
 * throws AppError unauthenticated with the same message whatever the reason.
 *
 * @example
 * const auth = await authenticateRequest(ctx, req, '/v1/me');
 */
export async function authenticateRequest(
  ctx: ControlContext,
  req: Request,
  routePath: string,
): Promise<TAuthContext> {
  const token = readBearerToken(req);
  let reason: string;
  if (token === null) {
    reason = 'missing';
  } else if (token === '') {
    reason = 'malformed';
  } else {
    const result = await authenticateApiToken(ctx, token);
    if (result.ok) {
      return { actor: result.actor, principal: result.principal, tokenId: result.tokenId };
    }
    reason = result.reason;
  }
  await appendAuditEvent(ctx.db, ctx.clock, {
    action: 'auth.failed',
    actor: ANONYMOUS_ACTOR_REF,
    details: { reason, method: req.method, route: routePath },
  });
  throw new AppError('unauthenticated', UNAUTHENTICATED_MESSAGE);
}
