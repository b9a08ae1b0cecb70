import { appendAuditEvent, type ControlContext, type TActor } from '@alliage/control';
import { exportIdentitiesCsv, type TWarehouse } from '@alliage/warehouse';

/**
 * The identity assignment of every member record as CSV (member_code,
 * customer_id, person_id, household_id) for quality measurement — operators
 * only (the caller checks), audited as `pool.exported` with the row count.
 *
 * @example
 * const { csv } = await exportPoolIdentities({ ctx, warehouse, actor });
 */
export async function exportPoolIdentities(options: {
  ctx: ControlContext;
  warehouse: TWarehouse;
  actor: TActor;
}): Promise<{ csv: string; rows: number }> {
  const exported = await exportIdentitiesCsv(options.warehouse);
  await appendAuditEvent(options.ctx.db, options.ctx.clock, {
    action: 'pool.exported',
    actor: options.actor,
    objectType: 'pool',
    details: { what: 'identities', rows: exported.rows },
  });
  return exported;
}
