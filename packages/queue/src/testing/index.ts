export type { TCapturedLog } from './capture-queue-logger.ts';
export { captureQueueLogger } from './capture-queue-logger.ts';
export type { TestJobQueue, TestQueueOptions } from './create-test-queue.ts';
export { createTestQueue, testQueueKinds } from './create-test-queue.ts';
export { createTestPrefix, deleteRedisKeys, testRedisUrl } from './test-redis.ts';
export { waitFor } from './wait-for.ts';
