import { describe, expect, it } from 'vitest';
import { ZInstructionBody } from './instruction.ts';

const valid = {
  purposes: ['targeting', 'study'],
  channels: ['postal', 'email'],
  thirdPartyAllowed: true,
  clientSectorsAllow: null,
  clientSectorsDeny: ['equipement_personne'],
  retentionMonths: 24,
  signedBy: 'Test Only, DPO',
  effectiveFrom: '2026-12-01',
};

describe('ZInstructionBody', () => {
  it('accepts a documented instruction and defaults retention to 36 months', () => {
    const { retentionMonths: _, ...withoutRetention } = valid;
    expect(ZInstructionBody.parse(withoutRetention).retentionMonths).toBe(36);
    expect(ZInstructionBody.parse(valid).clientSectorsDeny).toEqual(['equipement_personne']);
  });

  it.each([
    ['retention above 36 months', { retentionMonths: 37 }, 'retentionMonths'],
    ['retention of zero', { retentionMonths: 0 }, 'retentionMonths'],
    ['an unknown purpose', { purposes: ['resale'] }, 'purposes'],
    ['no channel', { channels: [] }, 'channels'],
    ['a repeated channel', { channels: ['sms', 'sms'] }, 'channels'],
    ['an unknown sector', { clientSectorsDeny: ['weapons'] }, 'clientSectorsDeny'],
    [
      'a sector both allowed and denied',
      { clientSectorsAllow: ['automobile'], clientSectorsDeny: ['automobile'] },
      'clientSectorsDeny',
    ],
    ['a bad date', { effectiveFrom: '2026-02-30' }, 'effectiveFrom'],
    ['an unknown field', { resell: true }, ''],
  ])('rejects %s', (_label, patch, path) => {
    const result = ZInstructionBody.safeParse({ ...valid, ...patch });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.')) ?? [];
    expect(paths.some((issuePath) => issuePath === path || issuePath.startsWith(`${path}.`))).toBe(
      true,
    );
  });
});
