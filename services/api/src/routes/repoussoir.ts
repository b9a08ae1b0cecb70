import { addRepoussoirEntry, importRepoussoirEntries } from '@alliage/control';
import { ZRepoussoirAddRequest, ZRepoussoirImportRequest } from '@alliage/domain';
import { defineRoute } from '../api-route.ts';
import { hashRepoussoirValues } from '../hash-repoussoir-values.ts';

/** Path of the import route, which accepts a larger body than the other routes. */
export const REPOUSSOIR_IMPORT_PATH = '/v1/repoussoir/import';

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
  path: REPOUSSOIR_IMPORT_PATH,
  summary: 'Import contact points into the repoussoir (do-not-contact list)',
  tag: 'repoussoir',
  roles: ['operator', 'compliance'],
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

export const repoussoirRoutes = [addRepoussoirEntryRoute, importRepoussoirRoute];
