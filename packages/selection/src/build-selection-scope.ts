import {
  type ControlContext,
  getInstructionInForce,
  getOrganisation,
  listOrganisations,
  type TSelection,
} from '@alliage/control';
import {
  isMember,
  releaseRefusal,
  retentionCutoff,
  type TChannel,
  type TReleaseRefusal,
  ZChannel,
} from '@alliage/domain';
import type { TPermittingMember, TSelectionScope } from '@alliage/warehouse';

/** The scope a selection runs in, and why each member is left out of it. */
export interface TBuiltScope {
  scope: TSelectionScope;
  /** Instruction version in force per member (null: none). */
  instructionVersions: Record<string, number | null>;
  /**
   * Instruction version in force per member permitting the release on at least one
   * channel: the members whose records the selection reads. Recorded with each count
   * (`selection.counted`) and delivery (member usage, `delivery.created`).
   */
  permittingInstructionVersions: Record<string, number>;
  /** Members that do not permit the ordered release, with the reason (for operators). */
  refusals: Record<string, TReleaseRefusal>;
}

/**
 * Reads every member's instruction in force at `at` and keeps, per channel,
 * the members that permit releasing their records to this client for this
 * purpose (DESIGN.md rule 1), each with its retention cutoff (rule 4). The
 * warehouse then only ever reads records of those members.
 *
 * @example
 * const { scope } = await buildSelectionScope(ctx, selection, ctx.clock());
 */
export async function buildSelectionScope(
  ctx: ControlContext,
  selection: Pick<TSelection, 'clientOrgCode' | 'channel' | 'purpose'>,
  at: Date,
): Promise<TBuiltScope> {
  const client = await getOrganisation(ctx, selection.clientOrgCode);
  const today = at.toISOString().slice(0, 10);
  const permittingMembers = Object.fromEntries(
    ZChannel.options.map((channel) => [channel, [] as TPermittingMember[]]),
  ) as Record<TChannel, TPermittingMember[]>;
  const memberSectors: Record<string, string> = {};
  const instructionVersions: Record<string, number | null> = {};
  const refusals: Record<string, TReleaseRefusal> = {};
  const permittingInstructionVersions: Record<string, number> = {};
  const members = (await listOrganisations(ctx)).filter((org) => isMember(org.kind));
  for (const member of members) {
    memberSectors[member.code] = member.sector;
    const instruction = await getInstructionInForce(ctx, member.code, at);
    instructionVersions[member.code] = instruction?.version ?? null;
    for (const channel of ZChannel.options) {
      const refusal = releaseRefusal(
        instruction?.body ?? null,
        {
          clientCode: client.code,
          clientKind: client.kind,
          clientSector: client.sector,
          purpose: selection.purpose,
          channel,
        },
        {
          memberCode: member.code,
          memberActive: member.status === 'active',
          // The contract runs to the end of its last day.
          contractEnded: member.contractEnd !== null && member.contractEnd < today,
        },
      );
      if (refusal === null && instruction) {
        permittingInstructionVersions[member.code] = instruction.version;
        permittingMembers[channel].push({
          memberCode: member.code,
          retentionCutoff: retentionCutoff(today, instruction.body.retentionMonths),
        });
      } else if (refusal !== null && channel === selection.channel) {
        refusals[member.code] = refusal;
      }
    }
  }
  return {
    scope: {
      today,
      clientCode: client.code,
      channel: selection.channel,
      permittingMembers,
      memberSectors,
    },
    instructionVersions,
    permittingInstructionVersions,
    refusals,
  };
}
