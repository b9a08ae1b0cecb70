import { AppError } from '@alliage/domain';
import {
  exportPoolIdentities,
  importPoolReference,
  listPoolSegments,
  runPoolBuild,
} from '@alliage/pool';
import { getPoolStats, type TWarehouse } from '@alliage/warehouse';
import { z } from 'zod';
import { defineRoute, textReply } from '../api-route.ts';
import type { ApiDeps } from '../create-api-app.ts';

function ownedPool(deps: ApiDeps): { warehouse: TWarehouse; countThreshold: number } {
  if (!deps.pool) {
    throw new AppError(
      'unavailable',
      'this API process does not own the pool (the process that runs the jobs does)',
      { retry: true },
    );
  }
  return deps.pool;
}

/** `POST /v1/pool/build`: rebuilds identities, households, segments and marks; purges past retention. */
export const buildPoolRoute = defineRoute({
  operationId: 'buildPool',
  method: 'post',
  path: '/v1/pool/build',
  summary: 'Rebuild the pool (retention purge, identities, households, segments)',
  tag: 'pool',
  failures: ['pool'],
  roles: ['operator'],
  body: z
    .object({ full: z.boolean().default(false) })
    .strict()
    .default({ full: false }),
  handler: async ({ ctx, auth, deps, body }) =>
    runPoolBuild({
      ctx,
      warehouse: ownedPool(deps).warehouse,
      actor: auth.actor,
      full: body.full,
      trigger: 'operator',
      hmacSecret: deps.hmacSecret,
    }),
});

/** `GET /v1/pool/stats`: headline counts of the pool (no personal data). */
export const getPoolStatsRoute = defineRoute({
  operationId: 'getPoolStats',
  method: 'get',
  path: '/v1/pool/stats',
  summary: 'Counts of records, persons and households in the pool',
  tag: 'pool',
  failures: ['pool'],
  roles: ['operator', 'compliance'],
  handler: async ({ deps }) => getPoolStats(ownedPool(deps).warehouse),
});

/** `GET /v1/pool/segments`: segment definitions with counts, small counts shown as "<k". */
export const listPoolSegmentsRoute = defineRoute({
  operationId: 'listPoolSegments',
  method: 'get',
  path: '/v1/pool/segments',
  summary: 'Segment definitions and their (thresholded) counts',
  tag: 'pool',
  failures: ['pool'],
  roles: ['operator', 'compliance'],
  handler: async ({ deps }) => {
    const pool = ownedPool(deps);
    return listPoolSegments(pool.warehouse, pool.countThreshold);
  },
});

/** `GET /v1/pool/identities`: member record → person → household, as CSV (operators, audited). */
export const exportPoolIdentitiesRoute = defineRoute({
  operationId: 'exportPoolIdentities',
  method: 'get',
  path: '/v1/pool/identities',
  summary: 'Export member_code, customer_id, person_id, household_id as CSV (audited)',
  tag: 'pool',
  failures: ['pool'],
  roles: ['operator'],
  produces: ['text/csv'],
  handler: async ({ ctx, auth, deps }) => {
    const { csv } = await exportPoolIdentities({
      ctx,
      warehouse: ownedPool(deps).warehouse,
      actor: auth.actor,
    });
    return textReply(csv, 'text/csv; charset=utf-8');
  },
});

/**
 * `PUT /v1/reference-tables/:name`: imports a public, non-personal table keyed by
 * commune INSEE code (e.g. INSEE income by commune) for use in segments.
 */
export const importReferenceTableRoute = defineRoute({
  operationId: 'importReferenceTable',
  method: 'put',
  path: '/v1/reference-tables/:name',
  summary: 'Import a public reference table keyed by INSEE commune code',
  tag: 'pool',
  failures: ['pool', 'retryable'],
  roles: ['operator'],
  params: z.object({ name: z.string().regex(/^[a-z][a-z0-9_]{0,40}$/) }),
  // A public table by commune: 35,000 rows, a few dozen columns.
  bodyLimit: '64mb',
  body: z
    .object({
      keyColumn: z.string().min(1).max(100).default('insee_code'),
      fileName: z.string().min(1).max(200),
      csv: z.string().min(1),
    })
    .strict(),
  handler: async ({ ctx, auth, deps, params, body }) =>
    importPoolReference({
      ctx,
      warehouse: ownedPool(deps).warehouse,
      actor: auth.actor,
      name: params.name,
      ...body,
    }),
});

export const poolRoutes = [
  buildPoolRoute,
  getPoolStatsRoute,
  listPoolSegmentsRoute,
  exportPoolIdentitiesRoute,
  importReferenceTableRoute,
];
