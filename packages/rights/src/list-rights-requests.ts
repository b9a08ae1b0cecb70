import type { ControlContext } from '@alliage/control';
import type { TRightsRequestStatus } from '@alliage/domain';
import { sql } from 'kysely';
import { ANSWERED_ITEM_STATUSES, type TRightsRequest, toRightsRequest } from './rights-request.ts';

/**
 * Rights requests, oldest deadline first, with their items; `overdue: true` keeps the
 * open ones past their deadline at the platform clock's now that some member has not
 * answered yet (the SQL mirror of `TRightsRequest.overdue`).
 *
 * @example
 * const late = await listRightsRequests(ctx, { overdue: true });
 */
export async function listRightsRequests(
  ctx: ControlContext,
  filter: { overdue?: boolean; status?: TRightsRequestStatus } = {},
): Promise<TRightsRequest[]> {
  const now = ctx.clock();
  let query = ctx.db.selectFrom('rights_requests').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.overdue !== undefined) {
    // Answered by every member: at least one item, and none still waiting on its member.
    const answered = sql<boolean>`(
      EXISTS (SELECT 1 FROM rights_request_items item WHERE item.request_id = rights_requests.id)
      AND NOT EXISTS (
        SELECT 1 FROM rights_request_items item
        WHERE item.request_id = rights_requests.id
          AND item.status NOT IN (${sql.join(ANSWERED_ITEM_STATUSES)})
      ))`;
    const late = sql<boolean>`status <> 'closed' AND coalesce(extended_until, due_at) < ${now} AND NOT ${answered}`;
    query = query.where(filter.overdue ? late : sql<boolean>`NOT (${late})`);
  }
  const rows = await query
    .orderBy(sql`coalesce(extended_until, due_at)`)
    .orderBy('created_at')
    .execute();
  if (rows.length === 0) return [];
  const items = await ctx.db
    .selectFrom('rights_request_items')
    .innerJoin('organisations', 'organisations.id', 'rights_request_items.member_org_id')
    .selectAll('rights_request_items')
    .select('organisations.code as member_code')
    .where(
      'rights_request_items.request_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('organisations.code')
    .execute();
  return rows.map((row) =>
    toRightsRequest(
      row,
      items.filter((item) => item.request_id === row.id),
      now,
    ),
  );
}
