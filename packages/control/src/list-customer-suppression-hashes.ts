import type { ControlContext } from './control-context.ts';

/**
 * The suppression hashes of a member (customers erased on a rights request), for intake
 * to drop them if a later file re-sends them: HMACs of `customerSuppressionKey`.
 *
 * @example
 * const suppressed = await listCustomerSuppressionHashes(ctx, 'M01'); // ['5b1c…']
 */
export async function listCustomerSuppressionHashes(
  ctx: ControlContext,
  memberCode: string,
): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('suppressions')
    .innerJoin('organisations', 'organisations.id', 'suppressions.member_org_id')
    .select('suppressions.customer_id_hmac')
    .where('organisations.code', '=', memberCode)
    .orderBy('suppressions.customer_id_hmac')
    .execute();
  return rows.map((row) => row.customer_id_hmac);
}
