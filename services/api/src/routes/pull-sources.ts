import { getPullSource, setPullSource } from '@alliage/control';
import { AppError, ZPullSourceInput } from '@alliage/domain';
import { defineRoute } from '../api-route.ts';
import { ZOrganisationCodeParams } from '../request-schemas.ts';

/**
 * `GET /v1/members/:code/pull-source`: where the platform fetches the member's files, if
 * anywhere. Of the member's roles, its admin only: these are connection details (host,
 * login, directory) that a member_user does not need.
 */
export const getPullSourceRoute = defineRoute({
  operationId: 'getPullSource',
  method: 'get',
  path: '/v1/members/:code/pull-source',
  summary: "Read where the platform fetches a member's files (pull mode)",
  tag: 'files',
  roles: ['operator', 'compliance', 'member_admin'],
  scope: { param: 'code', label: 'member' },
  params: ZOrganisationCodeParams,
  handler: async ({ ctx, params }) => {
    const source = await getPullSource(ctx, params.code);
    if (!source) throw new AppError('not_found', `member ${params.code} has no pull source`);
    const { organisationId: _organisationId, ...view } = source;
    return view;
  },
});

/**
 * `PUT /v1/members/:code/pull-source`: sets the member's server, login, directory,
 * pinned host key and schedule. Operators only: it decides where the platform connects.
 */
export const setPullSourceRoute = defineRoute({
  operationId: 'setPullSource',
  method: 'put',
  path: '/v1/members/:code/pull-source',
  summary: "Set where the platform fetches a member's files (pull mode)",
  tag: 'files',
  roles: ['operator'],
  scope: { param: 'code', label: 'member' },
  params: ZOrganisationCodeParams,
  body: ZPullSourceInput,
  handler: async ({ ctx, auth, params, body }) => {
    const { organisationId: _organisationId, ...view } = await setPullSource(
      ctx,
      auth.actor,
      params.code,
      body,
    );
    return view;
  },
});

/** `POST /v1/members/:code/pull`: fetches the member's new files now; answers the counts. */
export const pullMemberFilesRoute = defineRoute({
  operationId: 'pullMemberFiles',
  method: 'post',
  path: '/v1/members/:code/pull',
  summary: "Fetch a member's new files from its own server now",
  tag: 'files',
  failures: ['not_configured', 'retryable'],
  roles: ['operator'],
  scope: { param: 'code', label: 'member' },
  params: ZOrganisationCodeParams,
  handler: async ({ deps, auth, params }) => {
    if (!deps.pullMemberFiles) {
      throw new AppError('unavailable', 'this API process does not pull member files');
    }
    return deps.pullMemberFiles(auth.actor, params.code);
  },
});

export const pullSourceRoutes = [getPullSourceRoute, setPullSourceRoute, pullMemberFilesRoute];
