import type { Selectable } from 'kysely';
import type { AlertsTable } from './schema.ts';

export type TAlertKind = AlertsTable['kind'];
export type TAlertSeverity = AlertsTable['severity'];

/** Something people must look at (a seed contacted out of bounds…); details hold IDs and counts. */
export interface TAlert {
  id: string;
  kind: TAlertKind;
  severity: TAlertSeverity;
  deliveryId: string | null;
  clientOrgId: string | null;
  details: Record<string, unknown>;
  createdAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedByRef: string | null;
}

/** Maps a row of `alerts` to its public shape. */
export function toAlert(row: Selectable<AlertsTable>): TAlert {
  return {
    id: row.id,
    kind: row.kind,
    severity: row.severity,
    deliveryId: row.delivery_id,
    clientOrgId: row.client_org_id,
    details: row.details,
    createdAt: row.created_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedByRef: row.acknowledged_by_ref,
  };
}
