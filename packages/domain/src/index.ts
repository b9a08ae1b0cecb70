export { ABANDONED_DROP_DAYS, isAbandonedDrop } from './abandoned-drop.ts';
export type { AppErrorOptions, TErrorCode, TFieldIssue } from './app-error.ts';
export { AppError, HTTP_STATUS_BY_CODE, isAppError } from './app-error.ts';
export type { TAuditAction } from './audit-action.ts';
export { ZAuditAction } from './audit-action.ts';
export { canonicalJson } from './canonical-json.ts';
export type { THeaderCheck, THeaderIssue } from './check-file-header.ts';
export { checkFileHeader } from './check-file-header.ts';
export { customerSuppressionKey } from './customer-suppression-key.ts';
export type {
  TPoolClaimant,
  TPoolClaimDecision,
  TPoolLease,
  TPoolRegistration,
} from './decide-pool-claim.ts';
export { decidePoolClaim } from './decide-pool-claim.ts';
export { decimalInteger } from './decimal-integer.ts';
export { describePoolClaimRefusal } from './describe-pool-claim-refusal.ts';
export type { TDialectProfile, TDialectProfileInput } from './dialect-profile.ts';
export { DEFAULT_DIALECT_PROFILE, ZDialectProfile } from './dialect-profile.ts';
export type {
  DiscloseCountInput,
  TCountDisclosure,
  TDisclosedCount,
  TRecentCount,
} from './disclose-count.ts';
export { discloseCount } from './disclose-count.ts';
export type {
  DiscloseCountCellsInput,
  TCountCells,
  TRecentCountCells,
} from './disclose-count-cells.ts';
export {
  channelCellKey,
  departementCellKey,
  discloseCountCells,
} from './disclose-count-cells.ts';
export {
  DEFAULT_DROP_FILE_RETENTION_DAYS,
  DROP_FILE_COPY_SUFFIX,
  isDropFileDisposable,
  MAX_DROP_FILE_RETENTION_DAYS,
} from './drop-file-retention.ts';
export type {
  TDropAbandonment,
  TDropPoolCounts,
  TDropRejectionReason,
  TDropReport,
  TDropRepoussoirCounts,
  TDropStatus,
  TRowError,
} from './drop-report.ts';
export {
  formatDropReportText,
  isFinishedDropStatus,
  ZDropAbandonment,
  ZDropPoolCounts,
  ZDropRejectionReason,
  ZDropReport,
  ZDropRepoussoirCounts,
  ZDropStatus,
  ZRowError,
} from './drop-report.ts';
export { formatRegisterCsv, REGISTER_CSV_COLUMNS } from './format-register-csv.ts';
export { formatRegisterMarkdown } from './format-register-markdown.ts';
export type { TIdentityGuardFields } from './identity-guard.ts';
export { birthDatesCompatible, firstNamesCompatible, identityConflict } from './identity-guard.ts';
export type { TChannel, TInstructionBody, TInstructionBodyInput, TPurpose } from './instruction.ts';
export { MAX_RETENTION_MONTHS, ZChannel, ZInstructionBody, ZPurpose } from './instruction.ts';
export { checkInstantRange, ZInstant, ZIsoInstant } from './iso-instant.ts';
export type { TMatchComparison } from './match-weights.ts';
export {
  MATCH_MODEL_VERSION,
  MATCH_THRESHOLD,
  MATCH_WEIGHTS,
  matchWeight,
  NAME_SIMILARITY_BANDS,
} from './match-weights.ts';
export { isMemberDataDeletionDue } from './member-data-deletion.ts';
export {
  type TMemberDropErrorCode,
  toMemberDropErrorCode,
  ZMemberDropErrorCode,
} from './member-drop-error.ts';
export {
  DEFAULT_MEMBER_EXPORT_RETENTION_DAYS,
  isMemberExportDisposable,
  isMemberExportFile,
  isOffboardingExportFile,
  MAX_MEMBER_EXPORT_RETENTION_DAYS,
  offboardingExportFileName,
} from './member-export-retention.ts';
export type { TDropFileKind, TDropFileName, TMemberFileKind } from './member-file.ts';
export {
  CUSTOMER_COLUMNS,
  canonicalColumns,
  OPTIONAL_CUSTOMER_COLUMNS,
  OPTOUT_COLUMNS,
  parseDropFileName,
  TRANSACTION_COLUMNS,
  ZDropFileKind,
  ZMemberFileKind,
} from './member-file.ts';
export { formatCsvCell, neutraliseCsvCell } from './neutralise-csv-cell.ts';
export type {
  TOrganisationFields,
  TOrganisationInput,
  TOrganisationPatch,
  TOrgCode,
  TOrgKind,
  TOrgStatus,
} from './organisation.ts';
export {
  isClient,
  isMember,
  ZOrganisationInput,
  ZOrganisationPatch,
  ZOrgCode,
  ZOrgKind,
  ZOrgStatus,
} from './organisation.ts';
export { parseInput, toFieldIssues } from './parse-input.ts';
export type { TOptoutRow, TOptoutRowIssue } from './parse-optout-row.ts';
export { parseOptoutRow } from './parse-optout-row.ts';
export {
  CELL_KEY_PERTURBATIONS,
  CELL_KEY_RANGE,
  MAX_CELL_KEY_PERTURBATION,
  perturbCount,
} from './perturb-count.ts';
export type {
  TBuildProcessorRegisterInput,
  TProcessorRegister,
  TRegisterController,
  TRegisterMemberInput,
  TRegisterProcessing,
  TRegisterProcessor,
  TRegisterRecipientSector,
  TRegisterTransfers,
} from './processor-register.ts';
export {
  ALWAYS_PERFORMED_PROCESSING,
  buildProcessorRegister,
  PROCESSING_BY_PURPOSE,
} from './processor-register.ts';
export type { TPullResult, TPullSourceFields, TPullSourceInput } from './pull-source.ts';
export {
  isPullSourceDue,
  PULL_SCHEDULE_SLACK_MS,
  ZPullResult,
  ZPullSourceInput,
} from './pull-source.ts';
export type {
  TDeliveryPushStatus,
  TPushTargetFields,
  TPushTargetInput,
} from './push-target.ts';
export {
  pushTempFileName,
  remoteFilePath,
  ZDeliveryPushStatus,
  ZPushTargetInput,
} from './push-target.ts';
export type { TRelease, TReleaseRefusal } from './release-permission.ts';
export { releaseRefusal } from './release-permission.ts';
export type {
  TRepoussoirAddRequest,
  TRepoussoirChange,
  TRepoussoirEntryFields,
  TRepoussoirEntryInput,
  TRepoussoirFeed,
  TRepoussoirHashEntry,
  TRepoussoirHashEntryInput,
  TRepoussoirHead,
  TRepoussoirImportRequest,
  TRepoussoirKind,
  TRepoussoirProvenance,
  TRepoussoirProvenanceInput,
  TRepoussoirProvenanceWithdrawal,
  TRepoussoirScope,
  TRepoussoirSource,
  TRepoussoirValue,
} from './repoussoir.ts';
export {
  REPOUSSOIR_IMPORT_MAX_ENTRIES,
  REPOUSSOIR_VALUE_MAX_LENGTH,
  ZRepoussoirAddRequest,
  ZRepoussoirEntryInput,
  ZRepoussoirHash,
  ZRepoussoirHashEntry,
  ZRepoussoirImportRequest,
  ZRepoussoirKind,
  ZRepoussoirProvenance,
  ZRepoussoirProvenanceWithdrawal,
  ZRepoussoirScope,
  ZRepoussoirSource,
  ZRepoussoirSourceReference,
  ZRepoussoirValue,
  ZRepoussoirWithdrawalReason,
} from './repoussoir.ts';
export {
  HOLD_WITHOUT_ACTIVITY_DAYS,
  isPastRetention,
  retentionCutoff,
} from './retention-cutoff.ts';
export type {
  TRightsIdentity,
  TRightsRequestAnswer,
  TRightsRequestClosure,
  TRightsRequestExtension,
  TRightsRequestInput,
  TRightsRequestItemStatus,
  TRightsRequestStatus,
  TRightsRequestType,
} from './rights-request.ts';
export {
  RIGHTS_ANSWER_NOTE_MAX_LENGTH,
  RIGHTS_REQUEST_MAX_EXTENSION_MONTHS,
  rightsIdentityValues,
  ZRightsIdentity,
  ZRightsPostalIdentity,
  ZRightsRequestAnswer,
  ZRightsRequestClosure,
  ZRightsRequestExtension,
  ZRightsRequestInput,
  ZRightsRequestItemStatus,
  ZRightsRequestStatus,
  ZRightsRequestType,
} from './rights-request.ts';
export { RIGHTS_DEADLINE_TIME_ZONE, rightsRequestDeadline } from './rights-request-deadline.ts';
export type { TRole } from './role.ts';
export { isStaffRole, roleFitsOrgKind, STAFF_ROLES, ZRole } from './role.ts';
export type { TSector } from './sector.ts';
export { CLIENT_ONLY_SECTORS, isMemberSector, MEMBER_SECTORS, ZSector } from './sector.ts';
export type {
  TMeasureState,
  TSecurityFacts,
  TSecurityMeasure,
} from './security-measures.ts';
export { describeSecurityMeasures } from './security-measures.ts';
export type {
  TAgeBand,
  TRfmSegment,
  TSegmentDefinition,
  TSegmentLevel,
} from './segment-rules.ts';
export {
  AGE_BANDS,
  APPETENCE_HALF_LIFE_MONTHS,
  APPETENCE_SCALE_EUR,
  ageBand,
  appetenceFromDecayedSpend,
  appetenceScore,
  frequencyScore,
  latestStartForMonths,
  monetaryScore,
  RFM_SEGMENTS,
  recencyScore,
  rfmSegment,
  SCORE_BANDS,
  SEGMENT_DEFINITIONS,
  SEGMENTS_VERSION,
  wholeMonthsBetween,
} from './segment-rules.ts';
export type {
  TGeographyCriterion,
  TPurchaseCriterion,
  TReferenceCriterion,
  TSampling,
  TSegmentCriterion,
  TSelectionCriteria,
  TSelectionCriteriaInput,
  TSelectionRequest,
  TSelectionRequestInput,
} from './selection-criteria.ts';
export {
  SELECTION_VALUE_LISTS,
  ZGeographyCriterion,
  ZPurchaseCriterion,
  ZReferenceCriterion,
  ZSampling,
  ZSegmentCriterion,
  ZSelectionCriteria,
  ZSelectionRequest,
} from './selection-criteria.ts';
export { SFTP_ENDPOINT_FIELDS, ZHost, ZSshFingerprint } from './sftp-endpoint.ts';
export {
  isStuckDrop,
  STUCK_DROP_ALERT_REPEAT_MS,
  STUCK_DROP_ANY_HOURS,
  STUCK_DROP_FAILED_HOURS,
} from './stuck-drop.ts';
export { toAbandonedDropReport } from './to-abandoned-drop-report.ts';
export { toStorableDropReport } from './to-storable-drop-report.ts';
