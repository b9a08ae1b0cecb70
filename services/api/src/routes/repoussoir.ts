import {
  addRepoussoirEntry,
  getRepoussoirStats,
  importRepoussoirEntries,
  listRepoussoirEntries,
  withdrawRepoussoirEntry,
  withdrawRepoussoirProvenance,
} from '@alliage/control';
import {
  REPOUSSOIR_IMPORT_MAX_ENTRIES,
  ZRepoussoirAddRequest,
  ZRepoussoirImportRequest,
  ZRepoussoirProvenanceWithdrawal,
  ZRepoussoirScope,
  ZRepoussoirSource,
  ZRepoussoirValue,
  ZRepoussoirWithdrawalReason,
} from '@alliage/domain';
import { hashRepoussoirValues } from '@alliage/rights';
import { z } from 'zod';
import { defineRoute } from '../api-route.ts';
import {
  queryInteger,
  ZObjectId,
  ZObjectIdParams,
  ZOrganisationCodeParams,
  ZQueryFlag,
} from '../request-schemas.ts';

/**
 * `POST /v1/repoussoir`: adds one contact point (in clear over TLS) to the do-not-contact
 * list; the platform normalises and hashes it and stores only the hash. Processor staff
 * only. Idempotent: an active identical entry is answered with `alreadyPresent: true`.
 */
export const addRepoussoirEntryRoute = defineRoute({
  operationId: 'addRepoussoirEntry',
  method: 'post',
  path: '/v1/repoussoir',
  summary: 'Add a contact point to the repoussoir (do-not-contact list)',
  tag: 'repoussoir',
  failures: ['repoussoir'],
  roles: ['operator', 'compliance'],
  body: ZRepoussoirAddRequest,
  handler: async ({ ctx, auth, deps, body }) => {
    const { kind, value, ...entry } = body;
    const [hashed] = hashRepoussoirValues(deps.hmacSecret, [{ kind, value }], () => 'body.value');
    // hashRepoussoirValues returns one hash per value or throws.
    return addRepoussoirEntry(ctx, auth.actor, { ...entry, kind, hmac: hashed!.hmac });
  },
});

/**
 * `POST /v1/repoussoir/import`: adds up to 10,000 contact points with one scope and
 * provenance, in one transaction. Any value that cannot be normalised refuses the whole
 * request, listing each bad entry by index (`body.entries.<i>.value`).
 */
export const importRepoussoirRoute = defineRoute({
  operationId: 'importRepoussoir',
  method: 'post',
  path: '/v1/repoussoir/import',
  summary: 'Import contact points into the repoussoir (do-not-contact list)',
  tag: 'repoussoir',
  failures: ['repoussoir'],
  roles: ['operator', 'compliance'],
  // 10,000 entries of up to 300 characters, with their JSON punctuation.
  bodyLimit: '4mb',
  body: ZRepoussoirImportRequest,
  handler: async ({ ctx, auth, deps, body }) => {
    const { entries, scope, ...provenance } = body;
    const hashed = hashRepoussoirValues(
      deps.hmacSecret,
      entries,
      (index) => `body.entries.${index}.value`,
    );
    return importRepoussoirEntries(
      ctx,
      auth.actor,
      hashed.map((entry) => ({ ...entry, scope })),
      provenance,
    );
  },
});

/**
 * `GET /v1/repoussoir/entries`: entries with source, scope, dates, the request they
 * came from and any withdrawal — never a hash or a value. Newest first, paged.
 */
export const listRepoussoirEntriesRoute = defineRoute({
  operationId: 'listRepoussoirEntries',
  method: 'get',
  path: '/v1/repoussoir/entries',
  summary: 'List repoussoir entries (provenance and dates; never values)',
  tag: 'repoussoir',
  roles: ['operator', 'compliance'],
  query: z
    .object({
      source: ZRepoussoirSource.optional(),
      sourceReference: z.string().min(1).max(200).optional(),
      includeWithdrawn: ZQueryFlag.optional(),
      limit: queryInteger(1, 1000).optional(),
      before: ZObjectId.optional(),
    })
    .strict(),
  handler: async ({ ctx, query }) => listRepoussoirEntries(ctx, query),
});

/** `POST /v1/repoussoir/entries/:id/withdraw`: withdraws an entry by a recorded decision (compliance). */
export const withdrawRepoussoirEntryRoute = defineRoute({
  operationId: 'withdrawRepoussoirEntry',
  method: 'post',
  path: '/v1/repoussoir/entries/:id/withdraw',
  summary: 'Withdraw a repoussoir entry, with the reason for the decision',
  tag: 'repoussoir',
  failures: ['conflict', 'repoussoir'],
  roles: ['compliance'],
  params: ZObjectIdParams,
  body: z.object({ reason: ZRepoussoirWithdrawalReason }).strict(),
  handler: async ({ ctx, auth, params, body }) =>
    withdrawRepoussoirEntry(ctx, auth.actor, params.id, body),
});

/**
 * `POST /v1/repoussoir/withdrawals`: withdraws every entry in force from one source and
 * reference (a national list version the next one supersedes) by one recorded decision
 * (compliance). Entries of other provenances, for the same contact points too, stay.
 */
export const withdrawRepoussoirProvenanceRoute = defineRoute({
  operationId: 'withdrawRepoussoirProvenance',
  method: 'post',
  path: '/v1/repoussoir/withdrawals',
  summary: 'Withdraw every repoussoir entry of one source and reference, with the reason',
  tag: 'repoussoir',
  failures: ['conflict', 'repoussoir'],
  roles: ['compliance'],
  body: ZRepoussoirProvenanceWithdrawal,
  handler: async ({ ctx, auth, body }) => withdrawRepoussoirProvenance(ctx, auth.actor, body),
});

/** `GET /v1/repoussoir/stats`: counts by source, scope and kind, in force and withdrawn. */
export const getRepoussoirStatsRoute = defineRoute({
  operationId: 'getRepoussoirStats',
  method: 'get',
  path: '/v1/repoussoir/stats',
  summary: 'Repoussoir counts by source and scope (never values)',
  tag: 'repoussoir',
  roles: ['operator', 'compliance'],
  handler: async ({ ctx }) => getRepoussoirStats(ctx),
});

/**
 * `POST /v1/members/:code/optouts`: a member submits its own opt-out list; entries
 * are normalised and hashed like any repoussoir value and recorded with source
 * `member_optout` and the member's code as reference. They apply to every client.
 */
export const importMemberOptoutsRoute = defineRoute({
  operationId: 'importMemberOptouts',
  method: 'post',
  path: '/v1/members/:code/optouts',
  summary: "Submit a member's own opt-out list to the repoussoir",
  tag: 'repoussoir',
  failures: ['repoussoir'],
  roles: ['member_admin', 'operator'],
  scope: { param: 'code', label: 'member' },
  params: ZOrganisationCodeParams,
  body: z
    .object({
      entries: z.array(ZRepoussoirValue).min(1).max(REPOUSSOIR_IMPORT_MAX_ENTRIES),
      scope: ZRepoussoirScope.default('all'),
    })
    .strict(),
  handler: async ({ ctx, auth, deps, params, body }) => {
    const hashed = hashRepoussoirValues(
      deps.hmacSecret,
      body.entries,
      (index) => `body.entries.${index}.value`,
    );
    return importRepoussoirEntries(
      ctx,
      auth.actor,
      hashed.map((entry) => ({ ...entry, scope: body.scope })),
      { source: 'member_optout', sourceReference: params.code },
      { organisationCode: params.code },
    );
  },
});

export const repoussoirRoutes = [
  addRepoussoirEntryRoute,
  importRepoussoirRoute,
  listRepoussoirEntriesRoute,
  withdrawRepoussoirEntryRoute,
  withdrawRepoussoirProvenanceRoute,
  getRepoussoirStatsRoute,
  importMemberOptoutsRoute,
];
