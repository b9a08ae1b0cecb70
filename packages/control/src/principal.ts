import type { TRole } from '@alliage/domain';
import type { TExecutor } from './control-context.ts';

/** A person or system holding API tokens, with one role. */
export interface TPrincipal {
  id: string;
  name: string;
  role: TRole;
  /** Null for processor staff (operator, compliance). */
  organisationId: string | null;
  organisationCode: string | null;
  createdAt: Date;
  disabledAt: Date | null;
}

/**
 * A query for principals with their organisation code; callers add `where` and
 * ordering. Rows go through `toPrincipal`.
 *
 * @example
 * const row = await selectPrincipals(trx).where('principals.id', '=', id).executeTakeFirst();
 */
export function selectPrincipals(executor: TExecutor) {
  return executor
    .selectFrom('principals')
    .leftJoin('organisations', 'organisations.id', 'principals.organisation_id')
    .select([
      'principals.id',
      'principals.name',
      'principals.role',
      'principals.organisation_id',
      'organisations.code as organisation_code',
      'principals.created_at',
      'principals.disabled_at',
    ]);
}

export interface TPrincipalRow {
  id: string;
  name: string;
  role: TRole;
  organisation_id: string | null;
  organisation_code: string | null;
  created_at: Date;
  disabled_at: Date | null;
}

/** Maps a row of `selectPrincipals` to its public shape. */
export function toPrincipal(row: TPrincipalRow): TPrincipal {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    organisationId: row.organisation_id,
    organisationCode: row.organisation_code,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}
