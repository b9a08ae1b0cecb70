export { assignRowIds } from './assign-row-ids.ts';
export { createKeyedRandom } from './create-keyed-random.ts';
export { createSecureRandom } from './create-secure-random.ts';
export type { DeliveryFileNameOptions } from './delivery-file-name.ts';
export { deliveryFileName } from './delivery-file-name.ts';
export type { TDeliveryRow } from './delivery-row.ts';
export type { TDeliveryRandomness } from './derive-delivery-randomness.ts';
export { deriveDeliveryRandomness } from './derive-delivery-randomness.ts';
export { deliveryCsvColumns, formatDeliveryCsv, MAX_ADDRESS_LINES } from './format-delivery-csv.ts';
export { formatDeliveryPhone } from './format-delivery-phone.ts';
export type {
  GenerateSeedIdentitiesOptions,
  TSeedCommune,
  TSeedIdentity,
  TSeedPostalAddress,
} from './generate-seed-identities.ts';
export {
  DEFAULT_SEED_EMAIL_DOMAIN,
  DEFAULT_SEED_PHONE_PREFIX,
  generateSeedIdentities,
  seedCommunesOf,
} from './generate-seed-identities.ts';
export { interleaveSeeds } from './interleave-seeds.ts';
export type { TOutboxDeliveryState, TOutboxFileFate } from './outbox-file-fate.ts';
export { outboxFileFate } from './outbox-file-fate.ts';
export type { TOutboxFile, WriteOutboxFileOptions } from './write-outbox-file.ts';
export { writeOutboxFile } from './write-outbox-file.ts';
