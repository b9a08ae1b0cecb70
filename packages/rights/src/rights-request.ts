import type { ControlSchema } from '@alliage/control';
import type {
  TRepoussoirKind,
  TRepoussoirScope,
  TRightsRequestItemStatus,
  TRightsRequestStatus,
  TRightsRequestType,
} from '@alliage/domain';
import type { Selectable } from 'kysely';

type TRequestRow = Selectable<ControlSchema['rights_requests']>;
type TItemRow = Selectable<ControlSchema['rights_request_items']>;

/** Item statuses that mean the member has dealt with the person (erasure: confirmed and done). */
export const ANSWERED_ITEM_STATUSES = [
  'answered',
  'erasure_confirmed',
] as const satisfies readonly TRightsRequestItemStatus[];

/**
 * Whether a member confirmed the erasure of this item and the platform has not finished
 * it: the pool deletion failed (`failed`), or the process died after the confirmation
 * committed (still `forwarded`). `retryRightsRequest` finishes it.
 */
export function isUnfinishedErasure(
  item: Pick<TRightsRequestItem, 'status' | 'confirmedAt'>,
): boolean {
  return item.confirmedAt !== null && item.status !== 'erasure_confirmed';
}

/** A rights request at one member, as staff see it. */
export interface TRightsRequestItem {
  id: string;
  memberCode: string;
  /** That member's own customer IDs of the person. */
  customerIds: string[];
  status: TRightsRequestItemStatus;
  /** File name in the member's SFTP `reports/`. */
  reportFile: string | null;
  /** The encrypted export (access, portability), in the member's `reports/`. */
  dataFile: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  confirmedAt: Date | null;
  /** The customer IDs whose erasure the member confirmed: all of `customerIds`, or those it named. */
  confirmedCustomerIds: string[] | null;
  /** When the member says it answered the person (status `answered`). */
  answeredAt: Date | null;
  answeredBy: string | null;
  /** The member's short reference with its answer (no personal data). */
  answerNote: string | null;
  updatedAt: Date;
}

/** A data subject's request, as staff see it: never the identity, only which kinds of contact point were given. */
export interface TRightsRequest {
  id: string;
  type: TRightsRequestType;
  status: TRightsRequestStatus;
  receivedAt: Date;
  /** One calendar month from receipt. */
  dueAt: Date;
  extensionMonths: number;
  extendedUntil: Date | null;
  extensionReason: string | null;
  /** The deadline in force: the extended one when extended. */
  deadline: Date;
  /**
   * Not closed, not answered by every member, and past its deadline at the platform
   * clock's now. A request every member has answered waits only for its closure.
   */
  overdue: boolean;
  /**
   * Every member holding records has answered (or confirmed the erasure); false while
   * no member was found. Derived: the request stays open until closed with a reason.
   */
  allItemsAnswered: boolean;
  verification: string;
  oppositionScope: TRepoussoirScope | null;
  identityKinds: TRepoussoirKind[];
  duplicateOf: string | null;
  createdAt: Date;
  createdBy: string;
  closedAt: Date | null;
  closeReason: string | null;
  items: TRightsRequestItem[];
}

/** Maps a request row and its items to the public shape, `overdue` against `now` (mirrored in SQL by `listRightsRequests`). */
export function toRightsRequest(
  row: TRequestRow,
  items: (TItemRow & { member_code: string })[],
  now: Date,
): TRightsRequest {
  const deadline = row.extended_until ?? row.due_at;
  const allItemsAnswered =
    items.length > 0 &&
    items.every((item) => (ANSWERED_ITEM_STATUSES as readonly string[]).includes(item.status));
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    receivedAt: row.received_at,
    dueAt: row.due_at,
    extensionMonths: row.extension_months,
    extendedUntil: row.extended_until,
    extensionReason: row.extension_reason,
    deadline,
    overdue: row.status !== 'closed' && !allItemsAnswered && now.getTime() > deadline.getTime(),
    allItemsAnswered,
    verification: row.verification,
    oppositionScope: row.opposition_scope,
    identityKinds: [...new Set(row.identity_hashes.map((hash) => hash.kind))].sort(),
    duplicateOf: row.duplicate_of,
    createdAt: row.created_at,
    createdBy: row.created_by_ref,
    closedAt: row.closed_at,
    closeReason: row.close_reason,
    items: items.map(toRightsRequestItem),
  };
}

/** Maps an item row (with its member's code) to its public shape. */
export function toRightsRequestItem(row: TItemRow & { member_code: string }): TRightsRequestItem {
  return {
    id: row.id,
    memberCode: row.member_code,
    customerIds: row.customer_ids,
    status: row.status,
    reportFile: row.report_file,
    dataFile: row.data_file,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    confirmedAt: row.confirmed_at,
    confirmedCustomerIds:
      row.confirmed_at === null ? null : (row.confirmed_customer_ids ?? row.customer_ids),
    answeredAt: row.answered_at,
    answeredBy: row.answered_by_ref,
    answerNote: row.answer_note,
    updatedAt: row.updated_at,
  };
}
