import { randomBytes } from 'node:crypto';
import { loadConfigFromEnvironment } from '@alliage/config';
import { Redis } from 'ioredis';

// Test-only: the one place tests learn whether a real Redis is available.
const redisUrl = loadConfigFromEnvironment().redisUrl;

/** The Redis URL tests may use, or null (then the BullMQ suites are skipped). */
export function testRedisUrl(): string | null {
  return redisUrl;
}

/** A fresh key prefix, so parallel suites never see each other's jobs. */
export function createTestPrefix(): string {
  return `alliage-test-${randomBytes(6).toString('hex')}`;
}

/**
 * Deletes every key under `prefix:` (a test's queue and its markers).
 *
 * @example
 * await deleteRedisKeys(testRedisUrl()!, prefix);
 */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
