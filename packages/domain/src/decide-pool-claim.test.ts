import { describe, expect, it } from 'vitest';
import {
  decidePoolClaim,
  type TPoolClaimant,
  type TPoolRegistration,
} from './decide-pool-claim.ts';
import { describePoolClaimRefusal } from './describe-pool-claim-refusal.ts';

const now = new Date('2026-12-06T10:00:00Z');
const later = new Date('2026-12-06T10:01:00Z');
const earlier = new Date('2026-12-06T09:59:00Z');

const here: TPoolClaimant = {
  poolId: 'pool-a',
  ownerId: 'owner-2',
  host: 'host-a',
  dataDir: '/srv/alliage',
  previousOwnerId: null,
  adopt: false,
};

function registered(lease: TPoolRegistration['lease'] = null): TPoolRegistration {
  return { poolId: 'pool-a', dataDir: '/srv/alliage', lease };
}

const elsewhere = { ownerId: 'owner-1', host: 'host-b', dataDir: '/data/alliage' };

describe('decidePoolClaim', () => {
  it('registers the first pool the control plane sees', () => {
    expect(decidePoolClaim(null, here, now)).toEqual({ action: 'register' });
  });

  it('opens the registered pool, a restored backup of it included', () => {
    expect(decidePoolClaim(registered(), here, now)).toEqual({ action: 'open' });
  });

  it('refuses another pool and a data directory with no pool', () => {
    expect(decidePoolClaim(registered(), { ...here, poolId: 'pool-b' }, now)).toEqual({
      action: 'refuse',
      reason: 'other_pool',
    });
    expect(decidePoolClaim(registered(), { ...here, poolId: null }, now)).toEqual({
      action: 'refuse',
      reason: 'pool_missing',
    });
  });

  it('adopts another pool, or a missing one, only when asked', () => {
    const adopt = { ...here, adopt: true };
    expect(decidePoolClaim(registered(), { ...adopt, poolId: 'pool-b' }, now)).toEqual({
      action: 'adopt',
      previousPoolId: 'pool-a',
    });
    expect(decidePoolClaim(registered(), { ...adopt, poolId: null }, now)).toEqual({
      action: 'adopt',
      previousPoolId: 'pool-a',
    });
    expect(decidePoolClaim(registered(), adopt, now)).toEqual({ action: 'open' });
  });

  it('refuses while another data directory holds a live lease, even with the same pool', () => {
    const lease = { ...elsewhere, expiresAt: later };
    expect(decidePoolClaim(registered(lease), here, now)).toEqual({
      action: 'refuse',
      reason: 'leased',
      lease,
    });
    expect(decidePoolClaim(registered(lease), { ...here, adopt: true }, now)).toMatchObject({
      reason: 'leased',
    });
    // Another pool is refused as such: waiting for the lease would not help.
    expect(decidePoolClaim(registered(lease), { ...here, poolId: null }, now)).toMatchObject({
      reason: 'pool_missing',
    });
  });

  it('takes over an expired lease, and the one its data directory last recorded (a crashed process)', () => {
    expect(decidePoolClaim(registered({ ...elsewhere, expiresAt: earlier }), here, now)).toEqual({
      action: 'open',
    });
    expect(decidePoolClaim(registered({ ...elsewhere, expiresAt: now }), here, now)).toEqual({
      action: 'open',
    });
    expect(
      decidePoolClaim(
        registered({
          ownerId: 'owner-1',
          host: 'host-a',
          dataDir: '/srv/alliage',
          expiresAt: later,
        }),
        { ...here, previousOwnerId: 'owner-1' },
        now,
      ),
    ).toEqual({ action: 'open' });
  });

  it('refuses a live lease of the same host and data directory path held by another instance', () => {
    // Two containers on one host, the same path on two volumes: not a crashed process here.
    const lease = { ownerId: 'owner-1', host: 'host-a', dataDir: '/srv/alliage', expiresAt: later };
    expect(decidePoolClaim(registered(lease), here, now)).toMatchObject({ reason: 'leased' });
    expect(
      decidePoolClaim(registered(lease), { ...here, previousOwnerId: 'owner-0' }, now),
    ).toMatchObject({ reason: 'leased' });
    // The recorded instance, but its lease names another host: not this data directory's.
    expect(
      decidePoolClaim(
        registered({ ...lease, host: 'host-b' }),
        { ...here, previousOwnerId: 'owner-1' },
        now,
      ),
    ).toMatchObject({ reason: 'leased' });
  });
});

describe('describePoolClaimRefusal', () => {
  it('names the data directories and the way out', () => {
    const other = describePoolClaimRefusal(
      { action: 'refuse', reason: 'other_pool' },
      { ...registered(), dataDir: '/data/alliage' },
      { ...here, poolId: 'pool-b' },
    );
    expect(other).toContain('/srv/alliage');
    expect(other).toContain('/data/alliage');
    expect(other).toContain('alliage pool adopt --confirm');
    const leased = describePoolClaimRefusal(
      { action: 'refuse', reason: 'leased', lease: { ...elsewhere, expiresAt: later } },
      registered(),
      here,
    );
    expect(leased).toContain('host-b');
    expect(leased).toContain('2026-12-06T10:01:00.000Z');
  });
});
