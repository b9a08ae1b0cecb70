import type { ControlContext, TExecutor } from '@alliage/control';
import { AppError } from '@alliage/domain';
import { type TRightsRequest, toRightsRequest } from './rights-request.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One rights request with its items per member; `not_found` when unknown.
 *
 * @example
 * const request = await getRightsRequest(ctx, id);
 */
export async function getRightsRequest(
  ctx: ControlContext,
  requestId: string,
  executor: TExecutor = ctx.db,
): Promise<TRightsRequest> {
  const row = UUID.test(requestId)
    ? await executor
        .selectFrom('rights_requests')
        .selectAll()
        .where('id', '=', requestId)
        .executeTakeFirst()
    : undefined;
  if (!row) throw new AppError('not_found', `rights request ${requestId} not found`);
  const items = await executor
    .selectFrom('rights_request_items')
    .innerJoin('organisations', 'organisations.id', 'rights_request_items.member_org_id')
    .selectAll('rights_request_items')
    .select('organisations.code as member_code')
    .where('rights_request_items.request_id', '=', requestId)
    .orderBy('organisations.code')
    .execute();
  return toRightsRequest(row, items, ctx.clock());
}
