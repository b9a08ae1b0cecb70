import {
  AUDIT_EXPORT_CONTENT_TYPES,
  appendAuditEvent,
  createAuditCheckpoint,
  exportAuditEvents,
  getOrganisation,
  listAuditEvents,
  readAuditCheckpoint,
  runAuditVerification,
  tailAuditEvents,
  ZAuditCursor,
  ZAuditExportFormat,
} from '@alliage/control';
import {
  AppError,
  checkInstantRange,
  isAppError,
  isMember,
  type TAuditAction,
  ZAuditAction,
  ZOrgCode,
} from '@alliage/domain';
import { z } from 'zod';
import { defineRoute, streamReply } from '../api-route.ts';
import {
  queryInteger,
  queryText,
  ZOrganisationCodeParams,
  ZQueryInstant,
} from '../request-schemas.ts';

const AUDIT_READERS = ['operator', 'compliance'] as const;

/** `action=a&action=b` or `action=a,b`. */
const ZActionList = z
  .union([z.string(), z.array(z.string())])
  .describe('audit action names (resource.action), repeated or comma-separated')
  .transform((value) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((part) => part.split(','))
      .map((part) => part.trim()),
  )
  .pipe(z.array(ZAuditAction).min(1).max(50));

/**
 * The filters of `GET /v1/audit`, each checked here, at the boundary: every value is
 * bound as a parameter of the search, and one the database would refuse (a NUL, year
 * 0000, an integer out of range) must be a 400 naming it, not a 500.
 */
const AUDIT_QUERY_SHAPE = {
  action: ZActionList.optional(),
  organisation: ZOrgCode.optional(),
  actor: queryText(200).optional(),
  objectType: queryText(100).optional(),
  objectId: queryText(200).optional(),
  instructionVersion: queryInteger(1, 2_147_483_647).optional(),
  from: ZQueryInstant.optional(),
  to: ZQueryInstant.optional(),
  cursor: ZAuditCursor.optional(),
  limit: queryInteger(1, 1000).optional(),
};

const ZAuditQueryFields = z.strictObject(AUDIT_QUERY_SHAPE);

/** `schema`, refusing a `to` that is not after `from` (`to` is exclusive). */
function withInstantRange<T extends z.ZodType<{ from?: Date | undefined; to?: Date | undefined }>>(
  schema: T,
) {
  return schema.superRefine(checkInstantRange);
}

export const ZListAuditQuery = withInstantRange(ZAuditQueryFields);
export type TListAuditQuery = z.infer<typeof ZListAuditQuery>;

/** `GET /v1/audit/export`: the filters of `GET /v1/audit` (no paging) and the format. */
export const ZExportAuditQuery = withInstantRange(
  ZAuditQueryFields.omit({ cursor: true, limit: true })
    .extend({ format: ZAuditExportFormat })
    .strict(),
);
export type TExportAuditQuery = z.infer<typeof ZExportAuditQuery>;

/** `GET /v1/members/:code/audit`: the filters of `GET /v1/audit` but the organisation (it is the path's). */
export const ZMemberAuditQuery = withInstantRange(
  ZAuditQueryFields.omit({ organisation: true }).strict(),
);
export type TMemberAuditQuery = z.infer<typeof ZMemberAuditQuery>;

export const ZAuditTailQuery = z.object({ n: queryInteger(1, 1000).default(20) }).strict();
export type TAuditTailQuery = z.infer<typeof ZAuditTailQuery>;

/** Body of `POST /v1/audit/verify`: a checkpoint as `POST /v1/audit/checkpoints` signed it. */
export const ZVerifyAuditBody = z.object({ checkpoint: z.string().min(1).max(100_000) }).strict();
export type TVerifyAuditBody = z.infer<typeof ZVerifyAuditBody>;

/** `GET /v1/audit`: filtered events, oldest first, cursor-paged. Records `audit.read`. */
export const listAuditRoute = defineRoute({
  operationId: 'listAuditEvents',
  method: 'get',
  path: '/v1/audit',
  summary: 'Search the audit log (cursor paging)',
  tag: 'audit',
  roles: AUDIT_READERS,
  query: ZListAuditQuery,
  handler: async ({ ctx, auth, query }) => {
    const { organisation, ...rest } = query;
    const page = await listAuditEvents(ctx, {
      ...rest,
      ...(organisation === undefined ? {} : { organisationCode: organisation }),
    });
    await appendAuditEvent(ctx.db, ctx.clock, {
      action: 'audit.read',
      actor: auth.actor,
      details: {
        via: 'search',
        filter: { ...query, from: query.from?.toISOString(), to: query.to?.toISOString() },
        eventCount: page.events.length,
      },
    });
    return page;
  },
});

/** `GET /v1/audit/tail`: the newest `n` events, oldest first. Records `audit.read`. */
export const tailAuditRoute = defineRoute({
  operationId: 'tailAuditEvents',
  method: 'get',
  path: '/v1/audit/tail',
  summary: 'The newest audit events',
  tag: 'audit',
  roles: AUDIT_READERS,
  query: ZAuditTailQuery,
  handler: async ({ ctx, auth, query }) => tailAuditEvents(ctx, auth.actor, query.n),
});

/**
 * `GET /v1/audit/verify`: recomputes the whole chain; 200 with `ok: false` when broken,
 * which also raises an `audit_chain_failed` alert. `POST` takes a checkpoint file.
 */
export const verifyAuditRoute = defineRoute({
  operationId: 'verifyAuditChain',
  method: 'get',
  path: '/v1/audit/verify',
  summary: 'Verify the audit chain',
  tag: 'audit',
  roles: AUDIT_READERS,
  handler: async ({ ctx, auth }) => (await runAuditVerification(ctx, auth.actor)).verification,
});

/**
 * `POST /v1/audit/verify`: verifies the chain against a signed checkpoint (which
 * also catches deleted newest rows). The signature is checked with the platform key.
 */
export const verifyAuditWithCheckpointRoute = defineRoute({
  operationId: 'verifyAuditChainWithCheckpoint',
  method: 'post',
  path: '/v1/audit/verify',
  summary: 'Verify the audit chain against a signed checkpoint',
  tag: 'audit',
  roles: AUDIT_READERS,
  body: ZVerifyAuditBody,
  handler: async ({ ctx, auth, deps, body }) => {
    // Checkpoints signed before a key rotation verify with the key of their time.
    const checkpoint = await readAuditCheckpoint(body.checkpoint, [
      deps.platformKey.armoredPublicKey,
      ...(deps.platformKey.previousPublicKeys ?? []),
    ]);
    return (await runAuditVerification(ctx, auth.actor, { checkpoint })).verification;
  },
});

/** `POST /v1/audit/checkpoints`: the chain head, signed with the platform key, to keep elsewhere. */
export const createCheckpointRoute = defineRoute({
  operationId: 'createAuditCheckpoint',
  method: 'post',
  path: '/v1/audit/checkpoints',
  summary: 'Sign a checkpoint of the audit chain head',
  tag: 'audit',
  roles: AUDIT_READERS,
  status: 201,
  handler: async ({ ctx, auth, deps }) =>
    createAuditCheckpoint(ctx, auth.actor, {
      armoredPrivateKey: deps.platformKey.armoredPrivateKey,
      fingerprint: deps.platformKey.fingerprint,
      ...(deps.platformKey.passphrase === undefined
        ? {}
        : { passphrase: deps.platformKey.passphrase }),
    }),
});

/**
 * `GET /v1/audit/export?format=csv|jsonl`: the events matching the filters of
 * `GET /v1/audit`, streamed page by page (no size cap, nothing held in memory). An
 * unfiltered JSONL export verifies offline (`scripts/verify-audit-export.ts`).
 * Records `audit.read` (via `export`, filter and count) once the stream ends.
 */
export const exportAuditRoute = defineRoute({
  operationId: 'exportAuditEvents',
  method: 'get',
  path: '/v1/audit/export',
  summary: 'Export audit events as CSV or JSON Lines (streamed)',
  tag: 'audit',
  roles: AUDIT_READERS,
  query: ZExportAuditQuery,
  produces: Object.values(AUDIT_EXPORT_CONTENT_TYPES),
  handler: async ({ ctx, auth, query }) => {
    const { format, organisation, ...filter } = query;
    const chunks = await exportAuditEvents(ctx, auth.actor, {
      format,
      filter: {
        ...filter,
        ...(organisation === undefined ? {} : { organisationCode: organisation }),
      },
    });
    const stamp = ctx
      .clock()
      .toISOString()
      .replaceAll(':', '')
      .replace(/\.\d+Z$/, 'Z');
    return streamReply(chunks, AUDIT_EXPORT_CONTENT_TYPES[format], {
      'Content-Disposition': `attachment; filename="alliage-audit-${stamp}.${format}"`,
    });
  },
});

/**
 * What a member's view of the chain leaves out, though recorded under the code of an
 * organisation that is both member and client: its side as a client (selections,
 * deliveries, push targets), whose events name the other members that supplied it, the
 * instruction versions that permitted it and the seeds it was sent (rule 6); alerts,
 * staff's signals (a seed contacted out of bounds among them: seeds stay hidden); and
 * refused accesses (`access.denied`), recorded under the organisation a principal tried
 * to reach: they name the other organisation and principal that probed it, and anyone
 * could write them into a member's view. No event about a member's own data is among them.
 */
const MEMBER_VIEW_HIDDEN_PREFIXES = [
  'selection.',
  'delivery.',
  'push_target.',
  'seed.',
  'alert.',
  'access.',
];
const MEMBER_VIEW_HIDDEN_ACTIONS: TAuditAction[] = ZAuditAction.options.filter((action) =>
  MEMBER_VIEW_HIDDEN_PREFIXES.some((prefix) => action.startsWith(prefix)),
);

/**
 * `GET /v1/members/:code/audit`: the events recorded about member `code`'s data
 * (its organisation code on the event, its side as a client and staff's alerts left
 * out), paged like `GET /v1/audit`; a member admin sees only its own. Records
 * `audit.read` (via `member`) under that member.
 */
export const listMemberAuditRoute = defineRoute({
  operationId: 'listMemberAuditEvents',
  method: 'get',
  path: '/v1/members/:code/audit',
  summary: "Audit events about a member's data (cursor paging)",
  tag: 'audit',
  roles: ['member_admin', ...AUDIT_READERS],
  scope: { param: 'code', label: 'member' },
  params: ZOrganisationCodeParams,
  query: ZMemberAuditQuery,
  handler: async ({ ctx, auth, params, query }) => {
    const member = await getOrganisation(ctx, params.code).catch((error: unknown) => {
      if (isAppError(error) && error.code === 'not_found') return null;
      throw error;
    });
    // Staff naming a client or an unknown code get what a member gets for another member;
    // an organisation that is both member and client is a member.
    if (!member || !isMember(member.kind))
      throw new AppError('not_found', `member ${params.code} not found`);
    const page = await listAuditEvents(ctx, {
      ...query,
      organisationCode: member.code,
      excludeAction: MEMBER_VIEW_HIDDEN_ACTIONS,
    });
    await appendAuditEvent(ctx.db, ctx.clock, {
      action: 'audit.read',
      actor: auth.actor,
      organisationCode: member.code,
      details: {
        via: 'member',
        filter: { ...query, from: query.from?.toISOString(), to: query.to?.toISOString() },
        eventCount: page.events.length,
      },
    });
    return page;
  },
});

export const auditRoutes = [
  listAuditRoute,
  tailAuditRoute,
  verifyAuditRoute,
  verifyAuditWithCheckpointRoute,
  createCheckpointRoute,
  exportAuditRoute,
  listMemberAuditRoute,
];
