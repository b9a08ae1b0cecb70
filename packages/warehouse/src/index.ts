export type { THouseholdChanges } from './assign-households.ts';
export type { BuildPoolOptions } from './build-pool.ts';
export { buildPool } from './build-pool.ts';
export type {
  LoadMemberDropOptions,
  TDropLoadResult,
  TDropLoadSummary,
} from './load-member-drop.ts';
export { loadMemberDrop } from './load-member-drop.ts';
export type { OpenWarehouseOptions, TWarehouse } from './open-warehouse.ts';
export { openWarehouse } from './open-warehouse.ts';
export type { TPurgeCounts } from './purge-expired-records.ts';
export type { TPoolChanges } from './refresh-pool.ts';
export { refreshPool } from './refresh-pool.ts';
export type { TIdentityChanges } from './resolve-identities.ts';
