import { appendAuditEvent, type ControlContext, raiseRepeatedDenialAlert } from '@alliage/control';
import { AppError, ZOrgCode } from '@alliage/domain';
import type { TAuthContext } from './api-route.ts';

export interface DenyAccessOptions {
  /** `role`: the route is not for this role (403); `organisation`: another organisation's object (404). */
  reason: 'role' | 'organisation';
  method: string;
  route: string;
  /**
   * Organisation code named by the request, if any. Recorded only when it is a
   * well-formed code: whatever else a caller typed never reaches the audit log.
   */
  targetCode: unknown;
  /** Message of the 404 for `organisation`, the same as for an object that does not exist. */
  notFoundMessage?: string;
}

/**
 * Appends `access.denied` (route, method, target, principal), raises
 * `access_denied_repeated` when the principal reaches the threshold, and throws: 403 when
 * the role may not use the route at all, 404 when the object belongs to another
 * organisation, so its existence is not confirmed.
 *
 * @example
 * await denyAccess(ctx, auth, { reason: 'organisation', method: 'GET', route, targetCode: 'M02' });
 */
export async function denyAccess(
  ctx: ControlContext,
  auth: TAuthContext,
  options: DenyAccessOptions,
): Promise<never> {
  const targetCode = wellFormedCode(options.targetCode);
  await appendAuditEvent(ctx.db, ctx.clock, {
    action: 'access.denied',
    actor: auth.actor,
    objectType: targetCode === null ? null : 'organisation',
    objectId: targetCode,
    organisationCode: targetCode,
    details: {
      reason: options.reason,
      method: options.method,
      route: options.route,
      targetCode,
      principalId: auth.principal.id,
      principalRole: auth.principal.role,
      principalOrganisationCode: auth.principal.organisationCode,
    },
  });
  // A principal probing routes or other organisations: past the threshold, an alert.
  await raiseRepeatedDenialAlert(ctx, auth.actor);
  if (options.reason === 'role') {
    throw new AppError('forbidden', 'this route is not open to your role');
  }
  throw new AppError('not_found', options.notFoundMessage ?? 'not found');
}

/** The organisation code named by a request, when it is one (so arbitrary text never reaches the audit log). */
function wellFormedCode(value: unknown): string | null {
  return ZOrgCode.safeParse(value).success ? (value as string) : null;
}
