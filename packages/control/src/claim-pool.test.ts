import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimPool } from './claim-pool.ts';
import { SYSTEM_ACTOR } from './control-context.ts';
import { releasePoolLease } from './release-pool-lease.ts';
import { renewPoolLease } from './renew-pool-lease.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

describe.each(testControlDbKinds())('the pool lease (%s)', (kind) => {
  let control: TestControlDb;
  let now = new Date('2026-12-06T10:00:00Z');
  const ctx = () => ({ db: control.db, clock: () => now });
  const at = (seconds: number) => new Date(Date.parse('2026-12-06T10:00:00Z') + seconds * 1000);
  const claim = (ownerId: string, dataDir: string) =>
    claimPool(
      ctx(),
      { poolId: 'pool-a', ownerId, host: 'host', dataDir, previousOwnerId: null, adopt: false },
      { leaseMs: 1000, actor: SYSTEM_ACTOR },
    );

  beforeEach(async () => {
    control = await createTestControlDb(kind);
    now = at(0);
  });
  afterEach(() => control.close());

  it('lasts while renewed, lapses when not, and is given back on release', async () => {
    expect(await claim('owner-1', '/a')).toEqual({ action: 'register' });
    now = at(0.9);
    expect(await renewPoolLease(ctx(), 'owner-1', 1000)).toBe(true);
    now = at(1.5);
    await expect(claim('owner-2', '/b')).rejects.toThrow(/in use by another job-running process/);
    now = at(2);
    expect(await claim('owner-2', '/b')).toEqual({ action: 'open' });
    // The first owner stalled past its lease: it learns it lost it.
    expect(await renewPoolLease(ctx(), 'owner-1', 1000)).toBe(false);
    await releasePoolLease(ctx(), 'owner-1');
    await expect(claim('owner-3', '/c')).rejects.toThrow(/in use/);
    await releasePoolLease(ctx(), 'owner-2');
    expect(await claim('owner-3', '/c')).toEqual({ action: 'open' });
  });
});
