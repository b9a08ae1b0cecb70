import { isMemberDataDeletionDue, type TOrgKind, type TOrgStatus } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';

/** A member whose data the pool must not hold any more. */
export interface TMemberDataDeletionDue {
  id: string;
  code: string;
  kind: TOrgKind;
  status: TOrgStatus;
  dataDeletionDueAt: Date;
}

/**
 * Members whose offboarding reached its deletion (`isMemberDataDeletionDue`), by code:
 * the pool build deletes again whatever it still holds of them.
 *
 * @example
 * const gone = (await listMemberDataDeletionsDue(ctx)).map((member) => member.code);
 */
export async function listMemberDataDeletionsDue(
  ctx: ControlContext,
): Promise<TMemberDataDeletionDue[]> {
  const rows = await ctx.db
    .selectFrom('organisations')
    .select(['id', 'code', 'kind', 'status', 'data_deletion_due_at'])
    .where('data_deletion_due_at', 'is not', null)
    .orderBy('code')
    .execute();
  return rows
    .map(({ data_deletion_due_at, ...row }) => ({
      ...row,
      dataDeletionDueAt: data_deletion_due_at,
    }))
    .filter(
      (member): member is TMemberDataDeletionDue =>
        member.dataDeletionDueAt !== null && isMemberDataDeletionDue(member),
    );
}
