import { z } from 'zod';

/**
 * Principal roles. `operator` and `compliance` are processor staff and belong to
 * no organisation; the others belong to exactly one.
 */
export const ZRole = z.enum([
  'operator',
  'compliance',
  'member_admin',
  'member_user',
  'client_marketer',
]);
export type TRole = z.infer<typeof ZRole>;

export const STAFF_ROLES: readonly TRole[] = ['operator', 'compliance'];

/** True for processor staff roles, which are not tied to an organisation. */
export function isStaffRole(role: TRole): boolean {
  return STAFF_ROLES.includes(role);
}

/** True when a principal with this role may belong to an organisation of this kind. */
export function roleFitsOrgKind(role: TRole, kind: 'member' | 'client' | 'both'): boolean {
  if (role === 'member_admin' || role === 'member_user') return kind !== 'client';
  if (role === 'client_marketer') return kind !== 'member';
  return false;
}
