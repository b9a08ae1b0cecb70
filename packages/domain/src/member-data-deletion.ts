import { isMember, type TOrgKind, type TOrgStatus } from './organisation.ts';

/**
 * Whether the pool must hold nothing of an organisation: a member whose offboarding
 * reached its deletion (`dataDeletionDueAt`, set after the export, right before the
 * pool deletion). Not before: an offboarding still exporting reads the pool. Not for a
 * member merely marked `offboarded` by a status change, nor for one reactivated since.
 * Every pool build deletes again what the pool holds of such a member (a pool file
 * restored from before the offboarding).
 *
 * @example
 * isMemberDataDeletionDue({ kind: 'member', status: 'offboarded', dataDeletionDueAt: new Date() }) // true
 */
export function isMemberDataDeletionDue(organisation: {
  kind: TOrgKind;
  status: TOrgStatus;
  dataDeletionDueAt: Date | null;
}): boolean {
  return (
    isMember(organisation.kind) &&
    organisation.status === 'offboarded' &&
    organisation.dataDeletionDueAt !== null
  );
}
