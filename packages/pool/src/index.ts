export type { TMemberPolicies } from './collect-member-policies.ts';
export { collectMemberPolicies } from './collect-member-policies.ts';
export type { DeliverPoolAuditOutboxOptions } from './deliver-pool-audit-outbox.ts';
export { deliverPoolAuditOutbox, holdPoolAuditEvent } from './deliver-pool-audit-outbox.ts';
export { exportPoolIdentities } from './export-pool-identities.ts';
export type {
  GenerateProcessorRegisterOptions,
  TRegisterFormat,
} from './generate-processor-register.ts';
export { generateProcessorRegister } from './generate-processor-register.ts';
export { importPoolReference } from './import-pool-reference.ts';
export { listPoolSegments } from './list-pool-segments.ts';
export type {
  OffboardMemberOptions,
  TOffboardingCertificate,
  TOffboardingExportFile,
} from './offboard-member.ts';
export { offboardMember } from './offboard-member.ts';
export type {
  PurgeDropFilesOptions,
  TDropFilePurge,
  TDropFilePurgeReason,
} from './purge-drop-files.ts';
export { purgeDropFiles } from './purge-drop-files.ts';
export {
  type PurgeMemberExportsOptions,
  purgeMemberExports,
  type TMemberExportPurge,
} from './purge-member-exports.ts';
export type { RunPoolBuildOptions, TPoolBuildResult } from './run-pool-build.ts';
export { runPoolBuild } from './run-pool-build.ts';
