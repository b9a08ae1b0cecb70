import { describe, expect, it } from 'vitest';
import { createBanList } from './create-ban-list.ts';

function clockAt(start: string) {
  let now = new Date(start).getTime();
  return {
    clock: () => new Date(now),
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

describe('createBanList', () => {
  const policy = { failuresBeforeBan: 3, baseSeconds: 60, maxSeconds: 300 };

  it('bans after N failures, for a doubling time capped at maxSeconds', () => {
    const time = clockAt('2026-03-01T10:00:00Z');
    const bans = createBanList(policy, time.clock);
    expect(bans.recordFailure('10.0.0.1')).toBeNull();
    expect(bans.recordFailure('10.0.0.1')).toBeNull();
    expect(bans.secondsBanned('10.0.0.1')).toBe(0);
    expect(bans.recordFailure('10.0.0.1')).toBe(60);
    expect(bans.secondsBanned('10.0.0.1')).toBe(60);
    expect(bans.secondsBanned('10.0.0.2')).toBe(0);

    time.advance(61);
    expect(bans.secondsBanned('10.0.0.1')).toBe(0);
    bans.recordFailure('10.0.0.1');
    bans.recordFailure('10.0.0.1');
    expect(bans.recordFailure('10.0.0.1')).toBe(120);
    time.advance(121);
    bans.recordFailure('10.0.0.1');
    bans.recordFailure('10.0.0.1');
    expect(bans.recordFailure('10.0.0.1')).toBe(240);
    time.advance(241);
    bans.recordFailure('10.0.0.1');
    bans.recordFailure('10.0.0.1');
    expect(bans.recordFailure('10.0.0.1')).toBe(300);
  });

  it('treats IPv4-mapped IPv6 addresses as the IPv4 address', () => {
    const time = clockAt('2026-03-01T10:00:00Z');
    const bans = createBanList(policy, time.clock);
    bans.recordFailure('::ffff:10.0.0.9');
    bans.recordFailure('10.0.0.9');
    bans.recordFailure('::ffff:10.0.0.9');
    expect(bans.secondsBanned('10.0.0.9')).toBe(60);
  });

  it('forgets old failures and, after a long quiet, old bans', () => {
    const time = clockAt('2026-03-01T10:00:00Z');
    const bans = createBanList(policy, time.clock);
    bans.recordFailure('10.0.0.1');
    bans.recordFailure('10.0.0.1');
    time.advance(301);
    expect(bans.recordFailure('10.0.0.1')).toBeNull();

    bans.recordFailure('10.0.0.1');
    expect(bans.recordFailure('10.0.0.1')).toBe(60);
    time.advance(60 + 601);
    bans.recordFailure('10.0.0.1');
    bans.recordFailure('10.0.0.1');
    expect(bans.recordFailure('10.0.0.1')).toBe(60);
  });
});
