import { describe, expect, it } from 'vitest';
import { isClient, isMember, ZOrganisationInput } from './organisation.ts';

describe('ZOrganisationInput', () => {
  it('accepts a member and a client-only client', () => {
    expect(
      ZOrganisationInput.parse({
        code: 'M01',
        name: 'Maison Test',
        kind: 'member',
        sector: 'equipement_maison',
      }).status,
    ).toBe('active');
    expect(
      ZOrganisationInput.parse({
        code: 'C01',
        name: 'Énergie Test',
        kind: 'client',
        sector: 'energie',
      }).kind,
    ).toBe('client');
  });

  it('refuses a member in a client-only sector', () => {
    const result = ZOrganisationInput.safeParse({
      code: 'M02',
      name: 'x',
      kind: 'both',
      sector: 'banque_assurance',
    });
    expect(result.error?.issues[0]?.path).toEqual(['sector']);
  });

  it.each(['m01', '1M', 'M', 'M-01', 'M01 ', 'ABCDEFGHIJKLMNOPQ'])(
    'refuses the code %j',
    (code) => {
      expect(
        ZOrganisationInput.safeParse({ code, name: 'x', kind: 'client', sector: 'energie' })
          .success,
      ).toBe(false);
    },
  );

  it('refuses a contract that ends before it starts', () => {
    const result = ZOrganisationInput.safeParse({
      code: 'C02',
      name: 'x',
      kind: 'client',
      sector: 'energie',
      contractStart: '2026-05-01',
      contractEnd: '2026-01-01',
    });
    expect(result.error?.issues[0]?.path).toEqual(['contractEnd']);
  });

  it('tells members from clients', () => {
    expect([isMember('member'), isMember('both'), isMember('client')]).toEqual([true, true, false]);
    expect([isClient('member'), isClient('both'), isClient('client')]).toEqual([false, true, true]);
  });
});
