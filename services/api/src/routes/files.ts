import { getFileDrop, listFileDrops, retryFileDrop, type TFileDrop } from '@alliage/control';
import { isStaffRole, toMemberDropErrorCode, ZDropStatus, ZOrgCode } from '@alliage/domain';
import { z } from 'zod';
import { defineRoute, type TAuthContext } from '../api-route.ts';
import { denyAccess } from '../deny-access.ts';
import { queryInteger, ZObjectIdParams } from '../request-schemas.ts';

export const ZListFilesQuery = z
  .object({
    organisationCode: ZOrgCode.optional(),
    status: ZDropStatus.optional(),
    limit: queryInteger(1, 500).optional(),
    before: z.guid().optional(),
  })
  .strict();
export type TListFilesQuery = z.infer<typeof ZListFilesQuery>;

/**
 * The public shape of a drop: where the platform keeps its bytes is not the caller's
 * business. Why an unfinished drop has not loaded yet is told as a member-facing code
 * (`toMemberDropErrorCode`); the platform's own code, which names its internals (a
 * SQLSTATE, a Node error), only to operator and compliance.
 */
function toFileView(
  {
    storagePath: _storagePath,
    organisationId: _organisationId,
    lastErrorCode: internalCode,
    ...drop
  }: TFileDrop,
  auth: TAuthContext,
) {
  const lastErrorCode = toMemberDropErrorCode({ status: drop.status, lastErrorCode: internalCode });
  return isStaffRole(auth.principal.role)
    ? { ...drop, lastErrorCode, lastInternalErrorCode: internalCode }
    : { ...drop, lastErrorCode };
}

/** The organisation whose files a principal may list: its own, or any for staff. */
function ownCode(auth: TAuthContext): string | null {
  return auth.principal.organisationCode;
}

/** `GET /v1/files`: file drops with status and counts (members: their own; staff: all). */
export const listFilesRoute = defineRoute({
  operationId: 'listFiles',
  method: 'get',
  path: '/v1/files',
  summary: 'List file drops with their status and row counts',
  tag: 'files',
  failures: ['not_found'],
  roles: ['operator', 'compliance', 'member_admin', 'member_user'],
  query: ZListFilesQuery,
  handler: async ({ ctx, auth, query, req }) => {
    const own = ownCode(auth);
    if (own && query.organisationCode && query.organisationCode !== own) {
      await denyAccess(ctx, auth, {
        reason: 'organisation',
        method: req.method,
        route: '/v1/files',
        targetCode: query.organisationCode,
        notFoundMessage: `organisation ${query.organisationCode} not found`,
      });
    }
    const organisationCode = own ?? query.organisationCode;
    const drops = await listFileDrops(ctx, {
      ...(organisationCode ? { organisationCode } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.limit ? { limit: query.limit } : {}),
      ...(query.before ? { before: query.before } : {}),
    });
    return drops.map((drop) => toFileView(drop, auth));
  },
});

/** `GET /v1/files/:id`: one drop with its report (members: their own only, 404 otherwise). */
export const getFileRoute = defineRoute({
  operationId: 'getFile',
  method: 'get',
  path: '/v1/files/:id',
  summary: 'Read one file drop and its report',
  tag: 'files',
  roles: ['operator', 'compliance', 'member_admin', 'member_user'],
  params: ZObjectIdParams,
  handler: async ({ ctx, auth, params, req }) => {
    const drop = await getFileDrop(ctx, params.id);
    const own = ownCode(auth);
    if (own && drop.organisationCode !== own) {
      await denyAccess(ctx, auth, {
        reason: 'organisation',
        method: req.method,
        route: '/v1/files/:id',
        targetCode: drop.organisationCode,
        notFoundMessage: `file drop ${params.id} not found`,
      });
    }
    return toFileView(drop, auth);
  },
});

/**
 * `POST /v1/files/:id/retry`: an operator retries a drop the platform gave up on
 * (`abandoned`) once its cause is fixed, instead of the member sending the file again.
 * Records `file.retried`; queued at once when this process runs the queue, else by the
 * next dispatch of unfinished drops.
 */
export const retryFileRoute = defineRoute({
  operationId: 'retryFile',
  method: 'post',
  path: '/v1/files/:id/retry',
  summary: 'Retry a file drop the platform gave up on (abandoned), once its cause is fixed',
  tag: 'files',
  failures: ['conflict'],
  roles: ['operator'],
  params: ZObjectIdParams,
  handler: async ({ ctx, auth, deps, params }) => {
    const drop = await retryFileDrop(ctx, auth.actor, params.id);
    // The retry is committed; a failed enqueue is caught up by the hourly dispatch.
    await deps.enqueueFileDrop?.(drop);
    return toFileView(drop, auth);
  },
});

export const fileRoutes = [listFilesRoute, getFileRoute, retryFileRoute];
