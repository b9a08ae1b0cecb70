import type { TRole } from '@alliage/domain';
import type { Kysely, Transaction } from 'kysely';
import type { TAlert } from './alert.ts';
import type { ControlSchema } from './schema.ts';

/** The clock every rule reads; injectable so tests can move time. */
export type TClock = () => Date;

/** How alerts are raised and where they go once committed (see `raiseAlert`). */
export interface TAlertPolicy {
  /** `access.denied` of one principal within 10 minutes that raise `access_denied_repeated` (default 5). */
  deniedAccessThreshold?: number;
  /** Called once an alert is committed (the webhook); must neither throw nor block. */
  notify?: (alert: TAlert) => void;
}

/** What control-plane operations run against: the database, the clock, the alert policy. */
export interface ControlContext {
  db: Kysely<ControlSchema>;
  clock: TClock;
  alerts?: TAlertPolicy;
  /**
   * How long a repoussoir change waits while an import moves its rows in before it gives
   * up with `unavailable` (retry): set by interactive callers (the HTTP API), whose
   * clients would time out first. Absent: as long as the import takes (jobs, retried anyway).
   */
  repoussoirMaxWaitMs?: number;
}

/** A database handle or an open transaction on it. */
export type TExecutor = Kysely<ControlSchema> | Transaction<ControlSchema>;

/**
 * Who is acting. `ref` is what the audit chain records: `principal:<uuid>`,
 * `cli:<os user>`, `sftp:<org code>` or `system`.
 */
export interface TActor {
  ref: string;
  principalId: string | null;
  role: TRole | null;
  organisationId: string | null;
  organisationCode: string | null;
}

/** The platform itself (jobs, start-up). */
export const SYSTEM_ACTOR: TActor = {
  ref: 'system',
  principalId: null,
  role: null,
  organisationId: null,
  organisationCode: null,
};

/** A local administrator using the CLI directly on the data directory (acts as operator). */
export function cliActor(osUser: string): TActor {
  return {
    ref: `cli:${osUser}`,
    principalId: null,
    role: 'operator',
    organisationId: null,
    organisationCode: null,
  };
}
