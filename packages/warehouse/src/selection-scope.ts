import type { TChannel } from '@alliage/domain';
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import type { TReferenceColumn } from './import-reference-table.ts';

/** A member whose instruction in force permits the release on a channel, with its retention cutoff. */
export interface TPermittingMember {
  memberCode: string;
  /** ISO date: records whose last activity (last transaction, else created_at) is before it are not eligible. */
  retentionCutoff: string;
}

/** Everything a selection is evaluated against besides its criteria (computed by the control plane). */
export interface TSelectionScope {
  /** ISO date, platform clock. */
  today: string;
  /** The receiving organisation. */
  clientCode: string;
  /** The ordered channel. */
  channel: TChannel;
  /** For each channel, the members whose instruction in force permits this release on it. */
  permittingMembers: Record<TChannel, readonly TPermittingMember[]>;
  /** member_code → sector of every member (purchase criteria by sector); a member not listed has none. */
  memberSectors?: Record<string, string>;
  /**
   * The imported reference tables (`reference_tables` metadata) a reference criterion may
   * name; `countSelection` and `extractSelection` read them from the pool themselves.
   */
  referenceTables?: readonly { name: string; columns: readonly TReferenceColumn[] }[];
}

/** A selection compiled to parameterised DuckDB SQL: no user value is spliced into `sql`. */
export interface TCompiledSelection {
  sql: string;
  /** Named parameters (`$p0`, `$today`…), bound by DuckDB. */
  params: Record<string, DuckDBValue>;
  /** The DuckDB type of each parameter (an empty list needs one). */
  types?: Record<string, DuckDBType>;
}
