import { AppError, isClient, isMember, ZOrgCode } from '@alliage/domain';
import type { TExecutor } from './control-context.ts';
import type { TOrganisationRow } from './organisation.ts';

export interface SelectOrganisationRowOptions {
  /** Lock the row until the transaction ends (serialises changes to one organisation). */
  forUpdate?: boolean;
  /** Treat a client-only organisation as absent: the caller looks up a member. */
  memberOnly?: boolean;
  /** Treat a member-only organisation as absent: the caller looks up a client. */
  clientOnly?: boolean;
}

/**
 * The row of the organisation with this code, or AppError not_found (also for a
 * code that is not even well-formed, without querying).
 *
 * @example
 * const member = await selectOrganisationRow(trx, 'M01', { forUpdate: true, memberOnly: true });
 */
export async function selectOrganisationRow(
  executor: TExecutor,
  code: string,
  options: SelectOrganisationRowOptions = {},
): Promise<TOrganisationRow> {
  const label = options.memberOnly ? 'member' : options.clientOnly ? 'client' : 'organisation';
  // A malformed code cannot exist; it is not echoed back since it is arbitrary input.
  if (!ZOrgCode.safeParse(code).success) throw new AppError('not_found', `${label} not found`);
  let query = executor.selectFrom('organisations').selectAll().where('code', '=', code);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (
    !row ||
    (options.memberOnly && !isMember(row.kind)) ||
    (options.clientOnly && !isClient(row.kind))
  ) {
    throw new AppError('not_found', `${label} ${code} not found`);
  }
  return row;
}
