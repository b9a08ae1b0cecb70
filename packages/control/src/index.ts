export type {
  ControlContext,
  TActor,
  TAlertPolicy,
  TClock,
  TExecutor,
} from './control-context.ts';
export { cliActor, SYSTEM_ACTOR } from './control-context.ts';
export { migrateToLatest } from './migrate-to-latest.ts';
export type { ControlDb, OpenControlDbOptions, TControlDbKind } from './open-control-db.ts';
export { openControlDb } from './open-control-db.ts';
export type { ControlSchema, TErasureProgress } from './schema.ts';
// --- audit chain (audit-*.ts) ---

export { appendAuditEvent } from './audit-append-event.ts';
export { appendAuditEventOnce } from './audit-append-event-once.ts';
export type { TCheckpoint } from './audit-checkpoint.ts';
export { ZCheckpoint } from './audit-checkpoint.ts';
export type { TAuditRowForHash } from './audit-compute-hash.ts';
export { computeAuditHash, GENESIS_HASH, toAuditRowForHash } from './audit-compute-hash.ts';
export type { TCheckpointSigner, TSignedCheckpoint } from './audit-create-checkpoint.ts';
export { createAuditCheckpoint } from './audit-create-checkpoint.ts';
export { ZAuditCursor } from './audit-cursor.ts';
export { describeAuditExportVerification } from './audit-describe-export-verification.ts';
export type { TAuditEvent, TAuditEventInput } from './audit-event.ts';
export type { TAuditExportOptions } from './audit-export-events.ts';
export { exportAuditEvents } from './audit-export-events.ts';
export type { TAuditExportFormat } from './audit-export-format.ts';
export {
  AUDIT_CSV_COLUMNS,
  AUDIT_EXPORT_CONTENT_TYPES,
  auditExportHeader,
  formatAuditExportLine,
  ZAuditExportFormat,
} from './audit-export-format.ts';
export type { TAuditFilter, TAuditFilterInput } from './audit-filter.ts';
export { DEFAULT_AUDIT_PAGE_SIZE, ZAuditFilter } from './audit-filter.ts';
export type { TAuditEventPage } from './audit-list-events.ts';
export { listAuditEvents } from './audit-list-events.ts';
export { listLatestAuditEvents } from './audit-list-latest-events.ts';
export { readAuditCheckpoint } from './audit-read-checkpoint.ts';
export { tailAuditEvents } from './audit-tail-events.ts';
export type { TChainVerification, VerifyAuditChainOptions } from './audit-verify-chain.ts';
export { verifyAuditChain } from './audit-verify-chain.ts';
export type { TAuditExportVerification } from './audit-verify-export.ts';
export { NOT_CONTIGUOUS_HINT, verifyAuditExport } from './audit-verify-export.ts';
export { runAuditVerification } from './run-audit-verification.ts';
// --- organisations, principals, tokens, keys, instructions ---

export type { TOrganisationKeyInput } from './add-organisation-key.ts';
export { addOrganisationKey, ZOrganisationKeyInput } from './add-organisation-key.ts';
export type { TAddedRepoussoirEntry } from './add-repoussoir-entry.ts';
export { addRepoussoirEntry } from './add-repoussoir-entry.ts';
export type { TApiToken } from './api-token.ts';
export type { TApiTokenAuthentication } from './authenticate-api-token.ts';
export { authenticateApiToken } from './authenticate-api-token.ts';
export type { TCheckedSecret } from './check-platform-secret.ts';
export { adoptPlatformSecret, checkPlatformSecret } from './check-platform-secret.ts';
// --- file drops and dialect profiles ---
export { claimFileDrop } from './claim-file-drop.ts';
export { claimPullSourceRun } from './claim-pull-source-run.ts';
export { completeFileDrop } from './complete-file-drop.ts';
export type { TApiTokenInput } from './create-api-token.ts';
export { createApiToken, ZApiTokenInput } from './create-api-token.ts';
export { createOrganisation } from './create-organisation.ts';
export type { TPrincipalInput } from './create-principal.ts';
export { createPrincipal, ZPrincipalInput } from './create-principal.ts';
export { discardOrphanedRepoussoirImports } from './discard-orphaned-repoussoir-imports.ts';
export type { TFileDrop } from './file-drop.ts';
export { findAcceptedFileDrop } from './find-accepted-file-drop.ts';
export { findDropRepoussoirImport } from './find-drop-repoussoir-import.ts';
export { getFileDrop } from './get-file-drop.ts';
export { getInstruction } from './get-instruction.ts';
export { getInstructionInForce } from './get-instruction-in-force.ts';
export { getOrganisation } from './get-organisation.ts';
export { getPrincipal } from './get-principal.ts';
export { getPullSource } from './get-pull-source.ts';
export { getPushTarget } from './get-push-target.ts';
export type { TRemoteFile } from './has-pulled-file.ts';
export { hasPulledFile } from './has-pulled-file.ts';
export type {
  TStagedRepoussoirDecision,
  TStageRepoussoirEntries,
} from './import-repoussoir-batches.ts';
export { importRepoussoirBatches } from './import-repoussoir-batches.ts';
export type { TRepoussoirImportResult } from './import-repoussoir-entries.ts';
export {
  importRepoussoirEntries,
  importRepoussoirEntriesIn,
} from './import-repoussoir-entries.ts';
export type { TInstruction } from './instruction.ts';
export type { TRepoussoirHash } from './list-active-repoussoir-hashes.ts';
export { listActiveRepoussoirHashes } from './list-active-repoussoir-hashes.ts';
export type { TApiTokenFilter } from './list-api-tokens.ts';
export { listApiTokens } from './list-api-tokens.ts';
export { listCustomerSuppressionHashes } from './list-customer-suppression-hashes.ts';
export { listDuePullSources } from './list-due-pull-sources.ts';
export type { TFileDropFilter } from './list-file-drops.ts';
export { listFileDrops, ZFileDropFilter } from './list-file-drops.ts';
export { listFileDropsByIds } from './list-file-drops-by-ids.ts';
export { listInstructionVersions } from './list-instruction-versions.ts';
export type { TMemberDataDeletionDue } from './list-member-data-deletions-due.ts';
export { listMemberDataDeletionsDue } from './list-member-data-deletions-due.ts';
export type { TOrganisationKeyFilter } from './list-organisation-keys.ts';
export { listOrganisationKeys } from './list-organisation-keys.ts';
export type { TOrganisationFilter } from './list-organisations.ts';
export { listOrganisations } from './list-organisations.ts';
export { listPendingFileDrops } from './list-pending-file-drops.ts';
export type { TPrincipalFilter } from './list-principals.ts';
export { listPrincipals } from './list-principals.ts';
export { markMemberDataDeletionDue } from './mark-member-data-deletion-due.ts';
export { getMemberDialect, setMemberDialect } from './member-dialect.ts';
export type { TOrganisation } from './organisation.ts';
export type { TKeyType, TOrganisationKey } from './organisation-key.ts';
export { isKeyUsable } from './organisation-key.ts';
export type { TPrincipal } from './principal.ts';
export type { TPullSource } from './pull-source.ts';
export type { TPushTarget } from './push-target.ts';
export { recordErasurePoolProgress } from './record-erasure-pool-progress.ts';
export { recordFileDropFailure } from './record-file-drop-failure.ts';
export { recordFileDropStoragePath } from './record-file-drop-storage-path.ts';
export { recordPulledFile } from './record-pulled-file.ts';
export type { TFileDropInput } from './register-file-drop.ts';
export { registerFileDrop, ZFileDropInput } from './register-file-drop.ts';
export { removePushTarget } from './remove-push-target.ts';
export type { TRepoussoirEntry } from './repoussoir-entry.ts';
export { readRepoussoirHead, repoussoirFeed } from './repoussoir-feed.ts';
export { runRepoussoirChange } from './repoussoir-import-lock.ts';
export { retryFileDrop } from './retry-file-drop.ts';
export { revokeApiToken } from './revoke-api-token.ts';
export { revokeOrganisationKey } from './revoke-organisation-key.ts';
export { setInstruction } from './set-instruction.ts';
export { setPullSource } from './set-pull-source.ts';
export { setPushTarget } from './set-push-target.ts';
export { updateOrganisation } from './update-organisation.ts';
// --- selections, deliveries, seeds, alerts ---

export type { TAcknowledgeAlertInput } from './acknowledge-alert.ts';
export { acknowledgeAlert } from './acknowledge-alert.ts';
export type { TAlert, TAlertKind, TAlertSeverity } from './alert.ts';
export type { TPoolClaim } from './claim-pool.ts';
export { checkPoolClaim, claimPool } from './claim-pool.ts';
export type { TCompleteDeliveryInput } from './complete-delivery.ts';
export { completeDelivery } from './complete-delivery.ts';
export type { TAlertWebhookOptions, TAlertWebhookPayload } from './create-alert-webhook.ts';
export { createAlertWebhook, toAlertWebhookPayload } from './create-alert-webhook.ts';
export { createDelivery } from './create-delivery.ts';
export type { CreateSelectionInput } from './create-selection.ts';
export { createSelection } from './create-selection.ts';
export type { TDecideSelectionInput } from './decide-selection.ts';
export { decideSelection } from './decide-selection.ts';
export type { TDelivery, TDeliveryStatus } from './delivery.ts';
export type { TDeliverySeed, TDeliverySeedInput } from './delivery-seed.ts';
export { ZDeliverySeedInput } from './delivery-seed.ts';
export type { TFailDeliveryInput } from './fail-delivery.ts';
export { failDelivery } from './fail-delivery.ts';
export type { TFindDeliveryByFileNameInput } from './find-delivery-by-file-name.ts';
export { findDeliveryByFileName } from './find-delivery-by-file-name.ts';
export { getDelivery } from './get-delivery.ts';
export type { TMemberUsage } from './get-member-usage.ts';
export { getMemberUsage } from './get-member-usage.ts';
export type { TRepoussoirStats } from './get-repoussoir-stats.ts';
export { getRepoussoirStats } from './get-repoussoir-stats.ts';
export { getSelection } from './get-selection.ts';
export { listAlerts } from './list-alerts.ts';
export { listDeliveries } from './list-deliveries.ts';
export type { TDeliveryRecipient } from './list-delivery-recipients.ts';
export { listDeliveryRecipients } from './list-delivery-recipients.ts';
export { listExpiredDeliveries } from './list-expired-deliveries.ts';
export { listPendingDeliveryPushes } from './list-pending-delivery-pushes.ts';
export { listRecentCountCells } from './list-recent-count-cells.ts';
export { listRecentCounts } from './list-recent-counts.ts';
export type { TRepoussoirEntryFilter } from './list-repoussoir-entries.ts';
export { listRepoussoirEntries } from './list-repoussoir-entries.ts';
export { listSeedContactsInUse } from './list-seed-contacts-in-use.ts';
export { listSelections } from './list-selections.ts';
export { markDeliveryExpired } from './mark-delivery-expired.ts';
export type { TOrderSelectionInput } from './order-selection.ts';
export { orderSelection } from './order-selection.ts';
export type { TRaiseAlertInput } from './raise-alert.ts';
export { raiseAlert } from './raise-alert.ts';
export {
  DEFAULT_DENIED_ACCESS_THRESHOLD,
  DENIED_ACCESS_WINDOW_MS,
  raiseRepeatedDenialAlert,
} from './raise-repeated-denial-alert.ts';
export { raiseStuckDropAlert } from './raise-stuck-drop-alert.ts';
export { readPoolRegistration } from './read-pool-registration.ts';
export type { RecordDeliveryDownloadInput } from './record-delivery-download.ts';
export { recordDeliveryDownload } from './record-delivery-download.ts';
export type { TRecordDeliveryPushInput } from './record-delivery-push.ts';
export { recordDeliveryPush } from './record-delivery-push.ts';
export type { RecordDisclosedCountOptions } from './record-disclosed-count.ts';
export { recordDisclosedCount } from './record-disclosed-count.ts';
export type { TRecordSeedHitInput } from './record-seed-hit.ts';
export { recordSeedHit } from './record-seed-hit.ts';
export type { TRecordSelectionCountInput } from './record-selection-count.ts';
export { recordSelectionCount } from './record-selection-count.ts';
export { releasePoolLease } from './release-pool-lease.ts';
export { renewPoolLease } from './renew-pool-lease.ts';
export type { RequestDeliveryPushOptions } from './request-delivery-push.ts';
export { requestDeliveryPush } from './request-delivery-push.ts';
export type { TSeedHit } from './seed-hit.ts';
export type { TSelection, TSelectionStatus } from './selection.ts';
export type {
  TSelectionCountShown,
  TSelectionCountShownInput,
} from './selection-count-shown.ts';
export { ZDisclosedCount, ZSelectionCountShown } from './selection-count-shown.ts';
export { withdrawRepoussoirEntry } from './withdraw-repoussoir-entry.ts';
export {
  type TRepoussoirProvenanceWithdrawalResult,
  withdrawRepoussoirProvenance,
} from './withdraw-repoussoir-provenance.ts';
