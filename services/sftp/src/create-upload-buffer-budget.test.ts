import { describe, expect, it } from 'vitest';
import { createUploadBufferBudget } from './create-upload-buffer-budget.ts';

describe('createUploadBufferBudget', () => {
  const limits = { maxAheadBytes: 100, perOrganisationBytes: 10, totalBytes: 15 };

  it('caps each organisation and the process, taking nothing when refusing', () => {
    const budget = createUploadBufferBudget(limits);
    expect(budget.tryReserve('M1', 8)).toBe(true);
    expect(budget.tryReserve('M1', 3)).toBe(false); // M1 would hold 11 > 10
    expect(budget.tryReserve('M10', 8)).toBe(false); // the process would hold 16 > 15
    expect(budget.tryReserve('M10', 7)).toBe(true);
    expect(budget.stats()).toEqual({
      bytes: 15,
      peakBytes: 15,
      peakBytesByOrganisation: { M1: 8, M10: 7 },
    });
  });

  it('gives bytes back, keeping the peaks', () => {
    const budget = createUploadBufferBudget(limits);
    const allowance = budget.allowanceFor('M1');
    expect(allowance.tryReserve(10)).toBe(true);
    allowance.release(10);
    expect(allowance.tryReserve(10)).toBe(true);
    allowance.release(4);
    expect(budget.stats()).toEqual({
      bytes: 6,
      peakBytes: 10,
      peakBytesByOrganisation: { M1: 10 },
    });
  });
});
