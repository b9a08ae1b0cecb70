import type { TOrgKind, TOrgStatus, TSector } from '@alliage/domain';
import type { Selectable } from 'kysely';
import type { OrganisationsTable } from './schema.ts';

/** An organisation (member, client or both) as the control plane returns it. */
export interface TOrganisation {
  id: string;
  code: string;
  name: string;
  kind: TOrgKind;
  sector: TSector;
  status: TOrgStatus;
  /** ISO date `YYYY-MM-DD`. */
  contractStart: string | null;
  contractEnd: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type TOrganisationRow = Selectable<OrganisationsTable>;

/** Maps a row of `organisations` to its public shape. */
export function toOrganisation(row: TOrganisationRow): TOrganisation {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    // The column is plain text; only ZSector-validated values are ever written.
    sector: row.sector as TSector,
    status: row.status,
    contractStart: row.contract_start,
    contractEnd: row.contract_end,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
