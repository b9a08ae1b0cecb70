import { describe, expect, it } from 'vitest';
import { publishTimeoutMs, REQUEST_TIMEOUT_MS } from './sftp-session-limits.ts';

describe('publishTimeoutMs', () => {
  it('gives an empty upload the request deadline', () => {
    expect(publishTimeoutMs(0)).toBe(REQUEST_TIMEOUT_MS);
  });

  it('adds the time to flush the file at 10 MiB/s', () => {
    expect(publishTimeoutMs(10 * 2 ** 20)).toBe(REQUEST_TIMEOUT_MS + 1000);
    // The largest upload accepted (2 GiB) gets about four and a half minutes.
    expect(publishTimeoutMs(2 ** 31)).toBe(REQUEST_TIMEOUT_MS + 204_800);
  });
});
