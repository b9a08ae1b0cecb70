export type { AppErrorOptions, TErrorCode, TFieldIssue } from './app-error.ts';
export { AppError, HTTP_STATUS_BY_CODE, isAppError } from './app-error.ts';
export type { TAuditAction } from './audit-action.ts';
export { ZAuditAction } from './audit-action.ts';
export { canonicalJson } from './canonical-json.ts';
export type { TChannel, TInstructionBody, TInstructionBodyInput, TPurpose } from './instruction.ts';
export { MAX_RETENTION_MONTHS, ZChannel, ZInstructionBody, ZPurpose } from './instruction.ts';
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
export type { TRole } from './role.ts';
export { isStaffRole, roleFitsOrgKind, STAFF_ROLES, ZRole } from './role.ts';
export type { TSector } from './sector.ts';
export { CLIENT_ONLY_SECTORS, isMemberSector, MEMBER_SECTORS, ZSector } from './sector.ts';
