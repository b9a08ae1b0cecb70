import type { TChannel, TPurpose, TSector } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

/** One delivery that used a member's records, as that member may see it. */
export interface TMemberUsage {
  /** The receiving client's sector: never its name or code. */
  clientSector: TSector;
  channel: TChannel;
  purpose: TPurpose;
  deliveredAt: Date;
  /** Delivered persons that came through this member's permitting records. */
  personCount: number;
  /** The member's instruction version the delivery ran under (null: not recorded then). */
  instructionVersion: number | null;
  deliveryId: string;
}

/**
 * Which client sectors, channels and purposes used a member's records, when and how many
 * persons — that member's counts only, newest first. AppError not_found for an unknown
 * code or a client-only organisation.
 *
 * @example
 * const usage = await getMemberUsage(ctx, 'M01');
 */
export async function getMemberUsage(
  ctx: ControlContext,
  memberCode: string,
): Promise<TMemberUsage[]> {
  const member = await selectOrganisationRow(ctx.db, memberCode, { memberOnly: true });
  const rows = await ctx.db
    .selectFrom('delivery_member_usage as usage')
    .innerJoin('deliveries', 'deliveries.id', 'usage.delivery_id')
    .innerJoin('selections', 'selections.id', 'deliveries.selection_id')
    .innerJoin('organisations as client', 'client.id', 'deliveries.client_org_id')
    .select([
      'client.sector as client_sector',
      'selections.channel',
      'selections.purpose',
      'deliveries.written_at',
      'usage.person_count',
      'usage.instruction_version',
      'deliveries.id as delivery_id',
    ])
    .where('usage.member_org_id', '=', member.id)
    .where('deliveries.written_at', 'is not', null)
    .orderBy('deliveries.written_at', 'desc')
    .orderBy('deliveries.id', 'desc')
    .execute();
  return rows.map((row) => ({
    // The column is plain text; only ZSector-validated values are ever written.
    clientSector: row.client_sector as TSector,
    channel: row.channel,
    purpose: row.purpose,
    // Usage rows are written with the delivery, so written_at is set (filtered above).
    deliveredAt: row.written_at as Date,
    personCount: row.person_count,
    instructionVersion: row.instruction_version,
    deliveryId: row.delivery_id,
  }));
}
