export { seededRandom } from '@alliage/domain/testing';
export { commitTestOutboxEvent } from './commit-test-outbox-event.ts';
export { createTestWarehouse } from './create-test-warehouse.ts';
export { fixedRepoussoirFeed, pageOfChanges } from './fixed-repoussoir-feed.ts';
export type { TFixtureRecord } from './insert-pool-fixtures.ts';
export { insertFixtureActivity, insertFixtureRecords } from './insert-pool-fixtures.ts';
export {
  loadTestDrop,
  TEST_DROP_HMAC_SECRET,
  TEST_DROP_SECTORS,
  testDropHmac,
  testMemberFile,
} from './load-test-drop.ts';
export { insertFixturePersons, reachableRecord, scopeFor } from './selection-fixtures.ts';
