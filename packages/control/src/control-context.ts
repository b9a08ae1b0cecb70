import type { TRole } from '@alliage/domain';
import type { Kysely, Transaction } from 'kysely';
import type { ControlSchema } from './schema.ts';

/** The clock every rule reads; injectable so tests can move time. */
export type TClock = () => Date;

/** What control-plane operations run against: the database and the clock. */
export interface ControlContext {
  db: Kysely<ControlSchema>;
  clock: TClock;
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
