import { testDatabaseUrl } from '@alliage/control/testing';
import { testRedisUrl } from '@alliage/queue/testing';
import pg from 'pg';

/**
 * Points a serve's environment at the real PostgreSQL and Redis of the test run
 * (`DATABASE_URL`, `REDIS_URL`): a fresh database named after `label`, and a queue
 * prefix of its own, so parallel suites never share state. Returns what drops the
 * database again (call it after the serve has stopped).
 *
 * @example
 * const dropDatabase = await useRealBackends(env, 'pool_e2e');
 * // ... afterAll: await dropDatabase();
 */
export async function useRealBackends(
  env: Record<string, string>,
  label: string,
): Promise<() => Promise<void>> {
  // Read and validated by the config module, like every other suite's real back-ends.
  const adminUrl = testDatabaseUrl();
  const redisUrl = testRedisUrl();
  if (!adminUrl || !redisUrl) {
    throw new Error('useRealBackends needs DATABASE_URL and REDIS_URL to be set');
  }
  const unique = `${process.pid}_${Date.now()}`;
  const databaseName = `alliage_${label}_${unique}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${databaseName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  env.DATABASE_URL = url.toString();
  env.REDIS_URL = redisUrl;
  env.ALLIAGE_QUEUE_PREFIX = `alliage-${label}-${unique}`;
  return async () => {
    const dropper = new pg.Client({ connectionString: adminUrl });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await dropper.end();
  };
}
