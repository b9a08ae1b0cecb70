export type { THouseholdChanges } from './assign-households.ts';
export type { BuildPoolOptions } from './build-pool.ts';
export { buildPool } from './build-pool.ts';
export { checkpointWarehouse } from './checkpoint-warehouse.ts';
export type { TWarehouseCompaction } from './compact-warehouse.ts';
export { compactWarehouse } from './compact-warehouse.ts';
export { compileSelectionCount } from './compile-selection.ts';
export { countPurgedRows } from './count-purged-rows.ts';
export type {
  TKeyedSelectionCounts,
  TSelectionCellKeys,
  TSelectionCounts,
} from './count-selection.ts';
export { countSelection } from './count-selection.ts';
export type { DeleteMemberDataOptions, TMemberDataDeletion } from './delete-member-data.ts';
export { deleteMemberData } from './delete-member-data.ts';
export type { TCommuneReferenceStatus } from './ensure-commune-reference.ts';
export { ensureCommuneReference } from './ensure-commune-reference.ts';
export type { EraseMemberCustomersOptions, TErasureCounts } from './erase-member-customers.ts';
export { eraseMemberCustomers } from './erase-member-customers.ts';
export { exportIdentitiesCsv } from './export-identities.ts';
export type { TMemberDataExport } from './export-member-data.ts';
export { exportMemberData } from './export-member-data.ts';
export type {
  TExtractedPerson,
  TExtraction,
  TExtractSelectionInput,
} from './extract-selection.ts';
export { compileSelectionExtract, extractSelection } from './extract-selection.ts';
export type { TContactHash, TMatchedPerson } from './find-persons-by-contact-hashes.ts';
export { findPersonsByContactHashes } from './find-persons-by-contact-hashes.ts';
export { findValuesInPoolColumns } from './find-values-in-pool-columns.ts';
export type { TPoolFileSearch } from './find-values-in-pool-files.ts';
export { findValuesInPoolFiles } from './find-values-in-pool-files.ts';
export { forgetDeliveredPersons } from './forget-delivered-persons.ts';
export type { TPoolStats } from './get-pool-stats.ts';
export { getPoolStats } from './get-pool-stats.ts';
export type { TReferenceColumn, TReferenceTableImport } from './import-reference-table.ts';
export { importReferenceTable } from './import-reference-table.ts';
export { listMemberCustomerDeliveries } from './list-member-customer-deliveries.ts';
export { listPoolMemberCodes } from './list-pool-member-codes.ts';
export type { TSegmentListing, TSegmentValueCount } from './list-segments.ts';
export { listSegments } from './list-segments.ts';
export type {
  LoadMemberDropOptions,
  TDropLoadResult,
  TDropLoadSummary,
} from './load-member-drop.ts';
export { loadMemberDrop } from './load-member-drop.ts';
export type { TPoolRewriteReason } from './mark-pool-rewrite-due.ts';
export { markPoolRewriteDue } from './mark-pool-rewrite-due.ts';
export type { OpenWarehouseOptions, TWarehouse } from './open-warehouse.ts';
export { openWarehouse } from './open-warehouse.ts';
export { refreshSelectionFacts } from './person-member-reach-sql.ts';
export type { TPoolAuditEvent } from './pool-audit-outbox.ts';
export { listAuditOutbox, removeAuditOutbox, writeAuditOutbox } from './pool-audit-outbox.ts';
export type { TMemberSuppressions, TSuppressedCounts } from './purge-suppressed-customers.ts';
export type { ReadCsvRecordsOptions, TCsvRecordsRead } from './read-csv-records.ts';
export { readCsvRecords } from './read-csv-records.ts';
export type { TMemberCustomerData } from './read-member-customer-data.ts';
export { readMemberCustomerData } from './read-member-customer-data.ts';
export type {
  TMemberPersonProfile,
  TMemberSectorProfile,
} from './read-member-person-profiles.ts';
export { readMemberPersonProfiles } from './read-member-person-profiles.ts';
export { readPoolId, readPoolIdBeforeMigrations } from './read-pool-id.ts';
export { refreshOppositions } from './refresh-oppositions.ts';
export type { TPoolChanges, TPurgeCounts } from './refresh-pool.ts';
export { refreshPool } from './refresh-pool.ts';
export type { RefreshSegmentsOptions, TSegmentChanges } from './refresh-segments.ts';
export { refreshSegments } from './refresh-segments.ts';
export type { TIdentityChanges } from './resolve-identities.ts';
export type { TPoolRewrite } from './rewrite-pool-file-if-due.ts';
export { rewritePoolFileIfDue } from './rewrite-pool-file-if-due.ts';
export { runPoolTransaction } from './run-pool-transaction.ts';
export type { TMemberCanaries } from './sample-member-canaries.ts';
export { sampleMemberCanaries } from './sample-member-canaries.ts';
export { segmentValueSql } from './segment-sql.ts';
export type {
  TCompiledSelection,
  TPermittingMember,
  TSelectionScope,
} from './selection-scope.ts';
export { syncRepoussoirHashes } from './sync-repoussoir-hashes.ts';
export type { TRepoussoirMirrorSync } from './sync-repoussoir-mirror.ts';
export { readRepoussoirMirrorHead, syncRepoussoirMirror } from './sync-repoussoir-mirror.ts';
export { type TWarmResult, warmWarehouse } from './warm-warehouse.ts';
