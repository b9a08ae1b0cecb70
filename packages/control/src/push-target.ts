import type { Selectable } from 'kysely';
import type { TExecutor } from './control-context.ts';
import type { PushTargetsTable } from './schema.ts';
import { type TSftpEndpoint, toSftpEndpoint } from './sftp-endpoint-columns.ts';

/** Where a client's deliveries are pushed: its own SFTP server, host key pinned. */
export interface TPushTarget extends TSftpEndpoint {
  organisationId: string;
  organisationCode: string;
  enabled: boolean;
  updatedAt: Date;
  updatedBy: string;
}

/** `push_targets` joined with the client's code: the one query every push-target read shares. */
export function selectPushTargets(executor: TExecutor) {
  return executor
    .selectFrom('push_targets')
    .innerJoin('organisations', 'organisations.id', 'push_targets.organisation_id')
    .selectAll('push_targets')
    .select('organisations.code as organisation_code');
}

/** Maps a `push_targets` row (with its organisation code) to its public shape. */
export function toPushTarget(
  row: Selectable<PushTargetsTable> & { organisation_code: string },
): TPushTarget {
  return {
    organisationId: row.organisation_id,
    organisationCode: row.organisation_code,
    ...toSftpEndpoint(row),
    enabled: row.enabled,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}
