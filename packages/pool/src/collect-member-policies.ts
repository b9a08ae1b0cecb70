import { type ControlContext, getInstructionInForce, listOrganisations } from '@alliage/control';
import { isMember, MAX_RETENTION_MONTHS } from '@alliage/domain';

/** What the pool needs to know of every member from the control plane. */
export interface TMemberPolicies {
  /** Retention in force per member (months, at most 36; 36 without an instruction). */
  retentionMonthsByMember: Map<string, number>;
  memberSectors: Map<string, string>;
  /** Instruction version in force per member (null: none recorded), for the audit trail. */
  instructionVersions: Record<string, number | null>;
}

/**
 * Reads every member's retention in force, sector and instruction version at `at`.
 *
 * @example
 * const policies = await collectMemberPolicies(ctx, ctx.clock());
 */
export async function collectMemberPolicies(
  ctx: ControlContext,
  at: Date,
): Promise<TMemberPolicies> {
  const members = (await listOrganisations(ctx)).filter((organisation) =>
    isMember(organisation.kind),
  );
  const policies: TMemberPolicies = {
    retentionMonthsByMember: new Map(),
    memberSectors: new Map(),
    instructionVersions: {},
  };
  for (const member of members) {
    const instruction = await getInstructionInForce(ctx, member.code, at);
    policies.retentionMonthsByMember.set(
      member.code,
      Math.min(instruction?.body.retentionMonths ?? MAX_RETENTION_MONTHS, MAX_RETENTION_MONTHS),
    );
    policies.memberSectors.set(member.code, member.sector);
    policies.instructionVersions[member.code] = instruction?.version ?? null;
  }
  return policies;
}
