export { failAuditAppends } from './fail-audit-appends.ts';
export type { THeldTableLock } from './hold-table-lock.ts';
export { holdTableLock } from './hold-table-lock.ts';
export { storeTestDrop } from './store-test-drop.ts';
export type { TestControlDb } from './test-env.ts';
export { createTestControlDb, testControlDbKinds, testDatabaseUrl } from './test-env.ts';
export { testStaffActor } from './test-staff-actor.ts';
export { writeTestDelivery } from './write-test-delivery.ts';
