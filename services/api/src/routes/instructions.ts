import {
  appendAuditEvent,
  getInstruction,
  listInstructionVersions,
  setInstruction,
  type TInstruction,
} from '@alliage/control';
import { AppError, ZInstructionBody } from '@alliage/domain';
import { z } from 'zod';
import { defineRoute } from '../api-route.ts';
import { ZOrganisationCodeParams, ZQueryFlag } from '../request-schemas.ts';

export const ZGetInstructionsQuery = z.object({ history: ZQueryFlag.optional() }).strict();
export type TGetInstructionsQuery = z.infer<typeof ZGetInstructionsQuery>;

/**
 * `GET /v1/members/:code/instructions`: the latest version, or with `?history=1`
 * every version newest first. Records `instruction.read`.
 */
export const getInstructionsRoute = defineRoute({
  operationId: 'getMemberInstructions',
  method: 'get',
  path: '/v1/members/:code/instructions',
  summary: "Read a member's documented instruction (latest, or every version)",
  tag: 'instructions',
  roles: ['operator', 'compliance', 'member_admin', 'member_user'],
  scope: { param: 'code', label: 'member' },
  params: ZOrganisationCodeParams,
  query: ZGetInstructionsQuery,
  handler: async ({ ctx, auth, params, query }) => {
    const history = query.history ?? false;
    let result: TInstruction | TInstruction[];
    if (history) {
      result = await listInstructionVersions(ctx, params.code);
    } else {
      const latest = await getInstruction(ctx, params.code);
      if (latest === null) {
        throw new AppError('not_found', `member ${params.code} has no instruction yet`);
      }
      result = latest;
    }
    const versions = Array.isArray(result) ? result : [result];
    await appendAuditEvent(ctx.db, ctx.clock, {
      action: 'instruction.read',
      actor: auth.actor,
      objectType: 'instruction',
      objectId: params.code,
      organisationCode: params.code,
      instructionVersion: versions[0]?.version ?? null,
      details: { history, versionCount: versions.length },
    });
    return result;
  },
});

/**
 * `PUT /v1/members/:code/instructions`: a new version, written by the member's own
 * admin, or recorded by an operator from an instruction the member signed on paper
 * (`alliage instruction set`); the audit event names who recorded it.
 */
export const setInstructionRoute = defineRoute({
  operationId: 'setMemberInstruction',
  method: 'put',
  path: '/v1/members/:code/instructions',
  summary: "Record a new version of the member's documented instruction",
  tag: 'instructions',
  failures: ['conflict'],
  roles: ['member_admin', 'operator'],
  scope: { param: 'code', label: 'member' },
  params: ZOrganisationCodeParams,
  body: ZInstructionBody,
  status: 201,
  handler: async ({ ctx, auth, params, body }) =>
    setInstruction(ctx, auth.actor, params.code, body),
});

export const instructionRoutes = [getInstructionsRoute, setInstructionRoute];
