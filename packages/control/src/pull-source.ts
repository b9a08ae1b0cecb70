import type { Selectable } from 'kysely';
import type { TExecutor } from './control-context.ts';
import type { PullSourcesTable } from './schema.ts';
import { type TSftpEndpoint, toSftpEndpoint } from './sftp-endpoint-columns.ts';

/** Where a member's files wait on its own SFTP/MFT server, as the platform fetches them. */
export interface TPullSource extends TSftpEndpoint {
  organisationId: string;
  organisationCode: string;
  /** Null: pulled on demand only. */
  intervalMinutes: number | null;
  enabled: boolean;
  /** When a scheduled run last claimed the source. */
  lastRunAt: Date | null;
  updatedAt: Date;
  updatedBy: string;
}

/** `pull_sources` joined with the member's code: the one query every pull-source read shares. */
export function selectPullSources(executor: TExecutor) {
  return executor
    .selectFrom('pull_sources')
    .innerJoin('organisations', 'organisations.id', 'pull_sources.organisation_id')
    .selectAll('pull_sources')
    .select('organisations.code as organisation_code');
}

/** Maps a `pull_sources` row (with its organisation code) to its public shape. */
export function toPullSource(
  row: Selectable<PullSourcesTable> & { organisation_code: string },
): TPullSource {
  return {
    organisationId: row.organisation_id,
    organisationCode: row.organisation_code,
    ...toSftpEndpoint(row),
    intervalMinutes: row.interval_minutes,
    enabled: row.enabled,
    lastRunAt: row.last_run_at,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}
