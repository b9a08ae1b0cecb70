import { setTimeout as delay } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import {
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
} from 'kysely/migration';
import * as controlPlane from './migrations/2026-11-23-0001-control-plane.ts';
import * as fileDrops from './migrations/2026-11-23-0002-file-drops.ts';
import * as pullSources from './migrations/2026-11-23-0003-pull-sources.ts';
import * as repoussoir from './migrations/2026-11-23-0004-repoussoir.ts';
import * as selections from './migrations/2026-12-03-0005-selections.ts';
import * as rightsRequests from './migrations/2026-12-03-0006-rights-requests.ts';
import * as rightsAnswers from './migrations/2026-12-03-0007-rights-answers.ts';
import * as pushTargets from './migrations/2026-12-03-0008-push-targets.ts';
import * as optoutDrops from './migrations/2026-12-03-0009-optout-drops.ts';
import * as sftpAlerts from './migrations/2026-12-03-0010-sftp-alerts.ts';
import * as repoussoirVersions from './migrations/2026-12-05-0011-repoussoir-versions.ts';
import * as repoussoirProvenance from './migrations/2026-12-06-0012-repoussoir-provenance.ts';
import * as usageInstructionVersions from './migrations/2026-12-06-0013-usage-instruction-versions.ts';
import * as selectionCountCells from './migrations/2026-12-06-0014-selection-count-cells.ts';
import * as erasureProgress from './migrations/2026-12-06-0015-erasure-progress.ts';
import * as auditOutboxIds from './migrations/2026-12-06-0016-audit-outbox-ids.ts';
import * as repoussoirImportStaging from './migrations/2026-12-06-0017-repoussoir-import-staging.ts';
import * as memberDataDeletionDue from './migrations/2026-12-07-0018-member-data-deletion-due.ts';
import * as repoussoirPendingEntries from './migrations/2026-12-07-0019-repoussoir-pending-entries.ts';
import * as poolRegistration from './migrations/2026-12-07-0020-pool-registration.ts';
import * as stuckDrops from './migrations/2026-12-08-0021-stuck-drops.ts';
import * as abandonedDrops from './migrations/2026-12-08-0022-abandoned-drops.ts';
import * as abandonedDropAlerts from './migrations/2026-12-09-0023-abandoned-drop-alerts.ts';
import * as dropRetries from './migrations/2026-12-09-0024-drop-retries.ts';
import * as erasureSubsets from './migrations/2026-12-09-0025-erasure-subsets.ts';
import * as platformSecretChecks from './migrations/2026-12-10-0026-platform-secret-checks.ts';

/** Migrations in order; names are timestamp-prefixed so they sort. */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-23-0001-control-plane': controlPlane,
  '2026-11-23-0002-file-drops': fileDrops,
  '2026-11-23-0003-pull-sources': pullSources,
  '2026-11-23-0004-repoussoir': repoussoir,
  '2026-12-03-0005-selections': selections,
  '2026-12-03-0006-rights-requests': rightsRequests,
  '2026-12-03-0007-rights-answers': rightsAnswers,
  '2026-12-03-0008-push-targets': pushTargets,
  '2026-12-03-0009-optout-drops': optoutDrops,
  '2026-12-03-0010-sftp-alerts': sftpAlerts,
  '2026-12-05-0011-repoussoir-versions': repoussoirVersions,
  '2026-12-06-0012-repoussoir-provenance': repoussoirProvenance,
  '2026-12-06-0013-usage-instruction-versions': usageInstructionVersions,
  '2026-12-06-0014-selection-count-cells': selectionCountCells,
  '2026-12-06-0015-erasure-progress': erasureProgress,
  '2026-12-06-0016-audit-outbox-ids': auditOutboxIds,
  '2026-12-06-0017-repoussoir-import-staging': repoussoirImportStaging,
  '2026-12-07-0018-member-data-deletion-due': memberDataDeletionDue,
  '2026-12-07-0019-repoussoir-pending-entries': repoussoirPendingEntries,
  '2026-12-07-0020-pool-registration': poolRegistration,
  '2026-12-08-0021-stuck-drops': stuckDrops,
  '2026-12-08-0022-abandoned-drops': abandonedDrops,
  '2026-12-09-0023-abandoned-drop-alerts': abandonedDropAlerts,
  '2026-12-09-0024-drop-retries': dropRetries,
  '2026-12-09-0025-erasure-subsets': erasureSubsets,
  '2026-12-10-0026-platform-secret-checks': platformSecretChecks,
};

// A static provider (rather than kysely's FileMigrationProvider) keeps migrations
// importable under Node's type stripping and bundlers alike.
const provider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

/** Tries of a migration whose bookkeeping tripped over a schema dropped meanwhile. */
const CATALOG_RACE_ATTEMPTS = 3;

/**
 * Whether a failed run failed in Kysely's bookkeeping, before any migration ran (no
 * results), on a catalog race: its introspection lists the tables of every schema of
 * the database and looks each schema up by name (`has_schema_privilege`), so a schema
 * or table another session drops meanwhile fails it with `3F000` (no such schema) or
 * `42P01` (no such table). Running it again is safe: nothing was migrated.
 *
 * @example
 * isCatalogRace({ error: { code: '3F000' } }) // true
 * isCatalogRace({ error: { code: '3F000' }, results: [] }) // false: a migration's own failure
 */
export function isCatalogRace(outcome: MigrationResultSet): boolean {
  if (!outcome.error || outcome.results !== undefined) return false;
  const code = (outcome.error as { code?: unknown }).code;
  return code === '3F000' || code === '42P01';
}

/**
 * Brings the control-plane schema to the latest migration. Run at start or by a
 * command, never as an import side effect. A run that failed on a catalog race
 * (`isCatalogRace`: another tenant of the database dropped a schema while this one
 * looked its tables up) is tried again, up to three times in all.
 *
 * @example
 * await migrateToLatest(db);
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  options: { schema?: string } = {},
): Promise<string[]> {
  // Kysely looks its bookkeeping tables up in every schema of the database; naming
  // the schema keeps parallel test schemas (and co-hosted deployments) apart.
  const migrator = new Migrator({
    db,
    provider,
    ...(options.schema ? { migrationTableSchema: options.schema } : {}),
  });
  let outcome = await migrator.migrateToLatest();
  for (let attempt = 2; attempt <= CATALOG_RACE_ATTEMPTS && isCatalogRace(outcome); attempt++) {
    await delay(50 * attempt);
    outcome = await migrator.migrateToLatest();
  }
  const { error, results } = outcome;
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(`control-plane migration ${failed?.migrationName ?? '(unknown)'} failed`, {
      cause: error,
    });
  }
  return (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}
