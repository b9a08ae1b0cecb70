import { describe, expect, it } from 'vitest';
import { ZSelectionCriteria, ZSelectionRequest } from './selection-criteria.ts';

const request = {
  name: 'Spring mailing',
  channel: 'postal',
  purpose: 'targeting',
  campaignStart: '2027-03-01',
  campaignEnd: '2027-03-31',
};

describe('ZSelectionRequest', () => {
  it('accepts a request without criteria and fills the defaults', () => {
    const parsed = ZSelectionRequest.parse(request);
    expect(parsed.criteria).toEqual({
      excludeOwnCustomers: false,
      onePerHousehold: false,
      sampling: 'random',
    });
  });

  it('refuses a campaign that ends before it starts', () => {
    const result = ZSelectionRequest.safeParse({ ...request, campaignEnd: '2027-02-01' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['campaignEnd']);
  });

  it('refuses unknown keys, so a typo is not silently ignored', () => {
    expect(ZSelectionRequest.safeParse({ ...request, chanel: 'email' }).success).toBe(false);
    expect(ZSelectionCriteria.safeParse({ geografy: {} }).success).toBe(false);
  });
});

describe('ZSelectionCriteria', () => {
  it('accepts every kind of criterion', () => {
    const parsed = ZSelectionCriteria.parse({
      geography: { regions: ['84'], departements: ['2A', '69', '974'], communes: ['69123'] },
      age: { min: 35, max: 64 },
      civility: ['MME'],
      purchases: [
        { sector: 'equipement_maison', withinMonths: 12, minPurchases: 2, minSpendEur: 50 },
      ],
      minDistinctMembers: 2,
      reachableChannels: ['email'],
      segments: [
        {
          name: 'rfm_segment',
          sector: 'equipement_maison',
          values: ['active', 'active_high_value'],
        },
        { name: 'population_class', values: ['rural'] },
      ],
      reference: [{ table: 'income', column: 'median_income', min: 20000 }],
      excludeOwnCustomers: true,
      excludeDeliveredWithinDays: 90,
      onePerHousehold: true,
      sampling: 'best_score',
      scoreSector: 'equipement_maison',
    });
    expect(parsed.purchases?.[0]?.minPurchases).toBe(2);
  });

  it('names the field at fault', () => {
    const cases: [unknown, string][] = [
      [{ geography: { departements: ['20'] } }, 'geography.departements.0'],
      [{ age: { min: 70, max: 30 } }, 'age'],
      [{ segments: [{ name: 'rfm_segment', values: ['active'] }] }, 'segments.0.sector'],
      [{ segments: [{ name: 'age_band', values: ['teen'] }] }, 'segments.0.values'],
      [
        { segments: [{ name: 'age_band', sector: 'automobile', values: ['75+'] }] },
        'segments.0.sector',
      ],
      [{ sampling: 'best_score' }, 'scoreSector'],
      [{ reference: [{ table: 'income', column: 'x' }] }, 'reference.0'],
      [{ reference: [{ table: 'Income;', column: 'x', min: 1 }] }, 'reference.0.table'],
    ];
    for (const [criteria, path] of cases) {
      const result = ZSelectionCriteria.safeParse(criteria);
      expect(result.success, path).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
    }
  });
});
