export { storeTestDrop } from './store-test-drop.ts';
export type { TestControlDb } from './test-env.ts';
export { createTestControlDb, testControlDbKinds, testDatabaseUrl } from './test-env.ts';
