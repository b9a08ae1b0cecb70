import type { TActor } from '../control-context.ts';

/**
 * Test-only: a staff principal acting on the control plane (an operator by default, or
 * compliance), with a fixed ID, for the functions that record who acted.
 *
 * @example
 * await retryFileDrop(ctx, testStaffActor(), fileDropId);
 */
export function testStaffActor(role: 'operator' | 'compliance' = 'operator'): TActor {
  const principalId =
    role === 'operator'
      ? '00000000-0000-4000-8000-0000000000aa'
      : '00000000-0000-4000-8000-0000000000dd';
  return {
    ref: `principal:${principalId}`,
    principalId,
    role,
    organisationId: null,
    organisationCode: null,
  };
}
