import type { ControlContext } from '@alliage/control';
import type { TRightsRequestItemStatus, TRightsRequestType } from '@alliage/domain';

/** A request as the member it was forwarded to sees it: its own customer IDs, nothing of others. */
export interface TMemberRightsRequest {
  requestId: string;
  type: TRightsRequestType;
  /** Where the request stands at this member. */
  status: TRightsRequestItemStatus;
  receivedAt: Date;
  /** The deadline in force (extended when extended). */
  dueAt: Date;
  closed: boolean;
  customerIds: string[];
  reportFile: string | null;
  dataFile: string | null;
  /** When this member said it answered the person (`POST …/answer`). */
  answeredAt: Date | null;
}

/**
 * A member's rights-request inbox, newest first: only the requests forwarded to it, with
 * only its own customer IDs — never the identity, nor which other members hold records.
 *
 * @example
 * const inbox = await listMemberRightsRequests(ctx, 'M01');
 */
export async function listMemberRightsRequests(
  ctx: ControlContext,
  memberCode: string,
): Promise<TMemberRightsRequest[]> {
  const rows = await ctx.db
    .selectFrom('rights_request_items as item')
    .innerJoin('organisations as member', 'member.id', 'item.member_org_id')
    .innerJoin('rights_requests as request', 'request.id', 'item.request_id')
    .select([
      'request.id as request_id',
      'request.type',
      'request.status as request_status',
      'request.received_at',
      'request.due_at',
      'request.extended_until',
      'item.status',
      'item.customer_ids',
      'item.report_file',
      'item.data_file',
      'item.answered_at',
    ])
    .where('member.code', '=', memberCode)
    // Not yet forwarded: the member has no report to read yet.
    .where('item.status', '<>', 'pending')
    .orderBy('request.received_at', 'desc')
    .execute();
  return rows.map((row) => ({
    requestId: row.request_id,
    type: row.type,
    status: row.status,
    receivedAt: row.received_at,
    dueAt: row.extended_until ?? row.due_at,
    closed: row.request_status === 'closed',
    customerIds: row.customer_ids,
    reportFile: row.report_file,
    dataFile: row.data_file,
    answeredAt: row.answered_at,
  }));
}
