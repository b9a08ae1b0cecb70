import { describe, expect, it } from 'vitest';
import { type TInstructionBody, ZInstructionBody } from './instruction.ts';
import { releaseRefusal, type TRelease } from './release-permission.ts';

const instruction = (overrides: Partial<TInstructionBody> = {}): TInstructionBody =>
  ZInstructionBody.parse({
    purposes: ['targeting'],
    channels: ['postal', 'email'],
    thirdPartyAllowed: true,
    clientSectorsAllow: null,
    clientSectorsDeny: ['equipement_maison'],
    signedBy: 'Test DPO',
    effectiveFrom: '2026-01-01',
    ...overrides,
  });

const release = (overrides: Partial<TRelease> = {}): TRelease => ({
  clientCode: 'C01',
  clientKind: 'client',
  clientSector: 'energie',
  purpose: 'targeting',
  channel: 'postal',
  ...overrides,
});

const M01 = { memberCode: 'M01', memberActive: true };

describe('releaseRefusal', () => {
  it('permits a release the instruction allows', () => {
    expect(releaseRefusal(instruction(), release(), M01)).toBeNull();
  });

  it('refuses without an instruction or for an inactive member', () => {
    expect(releaseRefusal(null, release(), M01)).toBe('no_instruction');
    expect(releaseRefusal(instruction(), release(), { ...M01, memberActive: false })).toBe(
      'member_inactive',
    );
  });

  it('refuses once the contract of the member has ended, whatever its instruction', () => {
    expect(releaseRefusal(instruction(), release(), { ...M01, contractEnded: true })).toBe(
      'contract_ended',
    );
    expect(releaseRefusal(instruction(), release(), { ...M01, contractEnded: false })).toBeNull();
  });

  it('refuses a purpose or channel the member did not allow', () => {
    expect(releaseRefusal(instruction(), release({ purpose: 'study' }), M01)).toBe(
      'purpose_not_allowed',
    );
    expect(releaseRefusal(instruction(), release({ channel: 'sms' }), M01)).toBe(
      'channel_not_allowed',
    );
  });

  it('refuses third parties unless allowed, but not other members', () => {
    const closed = instruction({ thirdPartyAllowed: false });
    expect(releaseRefusal(closed, release(), M01)).toBe('third_party_not_allowed');
    expect(
      releaseRefusal(closed, release({ clientKind: 'both', clientSector: 'automobile' }), M01),
    ).toBeNull();
  });

  it('applies the sector allow-list and deny-list', () => {
    expect(releaseRefusal(instruction(), release({ clientSector: 'equipement_maison' }), M01)).toBe(
      'sector_denied',
    );
    const allowList = instruction({ clientSectorsAllow: ['automobile'], clientSectorsDeny: [] });
    expect(releaseRefusal(allowList, release(), M01)).toBe('sector_not_allowed');
    expect(releaseRefusal(allowList, release({ clientSector: 'automobile' }), M01)).toBeNull();
  });

  it('returns a member its own records whatever its sector rules, within purpose and channel', () => {
    const own = release({
      clientCode: 'M01',
      clientKind: 'both',
      clientSector: 'equipement_maison',
    });
    expect(releaseRefusal(instruction(), own, M01)).toBeNull();
    expect(releaseRefusal(instruction(), { ...own, channel: 'phone' }, M01)).toBe(
      'channel_not_allowed',
    );
  });
});
