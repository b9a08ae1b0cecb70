import type { TChannel, TPurpose, TSelectionCriteria } from '@alliage/domain';
import type { Selectable } from 'kysely';
import type { SelectionsTable } from './schema.ts';

/** Where a selection is in its life: draft → ordered → approved/rejected → delivered/failed. */
export type TSelectionStatus = SelectionsTable['status'];

/** A client's selection as the control plane returns it. */
export interface TSelection {
  id: string;
  clientOrgId: string;
  clientOrgCode: string;
  name: string;
  channel: TChannel;
  purpose: TPurpose;
  /** ISO dates `YYYY-MM-DD`, both included. */
  campaignStart: string;
  campaignEnd: string;
  criteria: TSelectionCriteria;
  status: TSelectionStatus;
  createdByRef: string;
  createdByPrincipal: string | null;
  createdAt: Date;
  orderedQuantity: number | null;
  orderedByRef: string | null;
  orderedAt: Date | null;
  decidedByRef: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  updatedAt: Date;
}

/** A `selections` row with its client's code. */
export type TSelectionRow = Selectable<SelectionsTable> & { client_org_code: string };

/** Maps a row of `selections` (joined to its client's code) to its public shape. */
export function toSelection(row: TSelectionRow): TSelection {
  return {
    id: row.id,
    clientOrgId: row.client_org_id,
    clientOrgCode: row.client_org_code,
    name: row.name,
    channel: row.channel,
    purpose: row.purpose,
    campaignStart: row.campaign_start,
    campaignEnd: row.campaign_end,
    // Only ZSelectionRequest-validated criteria are ever written.
    criteria: row.criteria as TSelectionCriteria,
    status: row.status,
    createdByRef: row.created_by_ref,
    createdByPrincipal: row.created_by_principal,
    createdAt: row.created_at,
    orderedQuantity: row.ordered_quantity,
    orderedByRef: row.ordered_by_ref,
    orderedAt: row.ordered_at,
    decidedByRef: row.decided_by_ref,
    decidedAt: row.decided_at,
    decisionReason: row.decision_reason,
    updatedAt: row.updated_at,
  };
}
