import { describe, expect, it } from 'vitest';
import { currentGpgHomeOwner, gpgHomePrefix, isOrphanGpgHome } from './gpg-home-owner.ts';

describe('gpg home owners', () => {
  const self = { hostTag: '0a1b2c3d', pid: 7 };
  const dead = () => false;
  const alive = () => true;

  it('names a home after its machine and process', () => {
    expect(gpgHomePrefix({ hostTag: '0a1b2c3d', pid: 4242 })).toBe('alliage-gpg-0a1b2c3d-4242-');
    const owner = currentGpgHomeOwner();
    expect(owner.pid).toBe(process.pid);
    expect(owner.hostTag).toMatch(/^[0-9a-f]{8}$/);
    expect(currentGpgHomeOwner()).toEqual(owner);
  });

  it('finds a home of a process of this machine that is gone', () => {
    expect(isOrphanGpgHome(`${gpgHomePrefix({ ...self, pid: 4242 })}Xy12Ab`, self, dead)).toBe(
      true,
    );
  });

  it('never takes a home of a live process, of this one, of another machine or of unknown form', () => {
    expect(isOrphanGpgHome('alliage-gpg-0a1b2c3d-4242-Xy12Ab', self, alive)).toBe(false);
    expect(isOrphanGpgHome('alliage-gpg-0a1b2c3d-7-Xy12Ab', self, dead)).toBe(false);
    expect(isOrphanGpgHome('alliage-gpg-ffffffff-4242-Xy12Ab', self, dead)).toBe(false);
    // Made before homes carried their owner, or by something else.
    for (const name of [
      'alliage-gpg-Xy12Ab',
      'alliage-gpg-0a1b2c3d-0-Xy12Ab',
      'alliage-gpg-0a1b2c3d-4242',
      'alliage-pipe-0a1b2c3d-4242-Xy12Ab',
      'gpg-0a1b2c3d-4242-Xy12Ab',
    ]) {
      expect(isOrphanGpgHome(name, self, dead)).toBe(false);
    }
  });
});
