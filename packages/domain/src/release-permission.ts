import type { TChannel, TInstructionBody, TPurpose } from './instruction.ts';
import type { TOrgKind } from './organisation.ts';
import { isMember } from './organisation.ts';
import type { TSector } from './sector.ts';

/** The release a selection asks for: who receives, for what, on which channel. */
export interface TRelease {
  clientCode: string;
  clientKind: TOrgKind;
  clientSector: TSector;
  purpose: TPurpose;
  channel: TChannel;
}

/** Why a member's instruction does not permit a release (null: it does). */
export type TReleaseRefusal =
  | 'no_instruction'
  | 'member_inactive'
  | 'contract_ended'
  | 'purpose_not_allowed'
  | 'channel_not_allowed'
  | 'third_party_not_allowed'
  | 'sector_not_allowed'
  | 'sector_denied';

/**
 * Whether a member's instruction in force permits releasing its records for
 * `release` (DESIGN.md rule 1): the member is active and its contract not ended, the purpose and channel are allowed, a client
 * that is not a member (a third party) gets them only when third parties are
 * allowed, and the client's sector is in the allow-list (when there is one)
 * and not in the deny-list. A member's own records always go back to itself
 * (it is their controller) provided its instruction names the channel and
 * purpose. Returns the first reason it does not, or null.
 *
 * @example
 * releaseRefusal(instruction, { clientCode: 'C01', clientKind: 'client', clientSector: 'energie',
 *   purpose: 'targeting', channel: 'postal' }, { memberCode: 'M01', memberActive: true }) // null
 */
export function releaseRefusal(
  instruction: TInstructionBody | null,
  release: TRelease,
  member: {
    memberCode: string;
    memberActive: boolean;
    /** Its contract's end date is past: no instruction covers a release any more (Art. 28(3)(g)). */
    contractEnded?: boolean;
  },
): TReleaseRefusal | null {
  if (!member.memberActive) return 'member_inactive';
  if (member.contractEnded) return 'contract_ended';
  if (!instruction) return 'no_instruction';
  if (!instruction.purposes.includes(release.purpose)) return 'purpose_not_allowed';
  if (!instruction.channels.includes(release.channel)) return 'channel_not_allowed';
  if (member.memberCode === release.clientCode) return null;
  if (!isMember(release.clientKind) && !instruction.thirdPartyAllowed) {
    return 'third_party_not_allowed';
  }
  if (
    instruction.clientSectorsAllow &&
    !instruction.clientSectorsAllow.includes(release.clientSector)
  ) {
    return 'sector_not_allowed';
  }
  if (instruction.clientSectorsDeny.includes(release.clientSector)) return 'sector_denied';
  return null;
}
