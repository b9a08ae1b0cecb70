import type { Selectable } from 'kysely';
import type { TExecutor } from './control-context.ts';
import type { PushTargetsTable } from './schema.ts';

/** Where a client's deliveries are pushed: its own SFTP server, host key pinned. */
export interface TPushTarget {
  organisationId: string;
  organisationCode: string;
  host: string;
  port: number;
  username: string;
  remoteDir: string;
  /** Pinned host key fingerprint (`SHA256:…`); any other key is refused. */
  hostKeySha256: string;
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
    host: row.host,
    port: row.port,
    username: row.username,
    remoteDir: row.remote_dir,
    hostKeySha256: row.host_key_sha256,
    enabled: row.enabled,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}
