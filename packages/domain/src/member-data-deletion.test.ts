import { describe, expect, it } from 'vitest';
import { isMemberDataDeletionDue } from './member-data-deletion.ts';

const due = new Date('2026-11-23T10:00:00Z');

describe('isMemberDataDeletionDue', () => {
  it('is due for an offboarded member whose offboarding reached its deletion', () => {
    expect(
      isMemberDataDeletionDue({ kind: 'member', status: 'offboarded', dataDeletionDueAt: due }),
    ).toBe(true);
    expect(
      isMemberDataDeletionDue({ kind: 'both', status: 'offboarded', dataDeletionDueAt: due }),
    ).toBe(true);
  });

  it('is not due while the offboarding is still exporting (no deletion recorded yet)', () => {
    expect(
      isMemberDataDeletionDue({ kind: 'member', status: 'offboarded', dataDeletionDueAt: null }),
    ).toBe(false);
  });

  it('is not due for a member active or suspended again, nor for a client', () => {
    expect(
      isMemberDataDeletionDue({ kind: 'member', status: 'active', dataDeletionDueAt: due }),
    ).toBe(false);
    expect(
      isMemberDataDeletionDue({ kind: 'member', status: 'suspended', dataDeletionDueAt: due }),
    ).toBe(false);
    expect(
      isMemberDataDeletionDue({ kind: 'client', status: 'offboarded', dataDeletionDueAt: due }),
    ).toBe(false);
  });
});
