export { createTestWarehouse } from './create-test-warehouse.ts';
