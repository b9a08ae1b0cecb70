import { describe, expect, it } from 'vitest';
import { toMemberDropErrorCode, ZMemberDropErrorCode } from './member-drop-error.ts';

describe('toMemberDropErrorCode', () => {
  it.each([
    ['unavailable', 'temporarily_unavailable'],
    ['not_found', 'temporarily_unavailable'],
    ['ECONNREFUSED', 'temporarily_unavailable'],
    ['ENOSPC', 'temporarily_unavailable'],
    ['40001', 'temporarily_unavailable'],
    ['08006', 'temporarily_unavailable'],
    ['57P01', 'temporarily_unavailable'],
    ['55P03', 'temporarily_unavailable'],
    ['internal', 'platform_error'],
    ['P0001', 'platform_error'],
    ['23505', 'platform_error'],
    ['ERR_STREAM_PREMATURE_CLOSE', 'platform_error'],
    ['validation_failed', 'platform_error'],
  ] as const)('tells a member %s as %s', (code, expected) => {
    expect(toMemberDropErrorCode({ status: 'processing', lastErrorCode: code })).toBe(expected);
    expect(toMemberDropErrorCode({ status: 'received', lastErrorCode: code })).toBe(expected);
    // The platform gave up on it: the member still reads what kept failing.
    expect(toMemberDropErrorCode({ status: 'abandoned', lastErrorCode: code })).toBe(expected);
  });

  it('says nothing of a drop with no failed attempt, or one with an outcome of its own', () => {
    expect(toMemberDropErrorCode({ status: 'processing', lastErrorCode: null })).toBeNull();
    for (const status of ['accepted', 'rejected', 'duplicate'] as const) {
      expect(toMemberDropErrorCode({ status, lastErrorCode: 'ECONNREFUSED' })).toBeNull();
    }
  });

  it('only ever answers a code of the documented set', () => {
    for (const code of ['x', 'E', 'e123', '0800', 'P', 'internal']) {
      const answer = toMemberDropErrorCode({ status: 'received', lastErrorCode: code });
      expect(ZMemberDropErrorCode.options).toContain(answer);
    }
  });
});
