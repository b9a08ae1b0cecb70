export type { TBuiltScope } from './build-selection-scope.ts';
export { buildSelectionScope } from './build-selection-scope.ts';
export type { CountSelectionAudienceOptions, TAudienceCount } from './count-selection-audience.ts';
export { countSelectionAudience, syncPoolRepoussoir } from './count-selection-audience.ts';
export { deriveCellKeySeed } from './derive-cell-key-seed.ts';
export { expireDeliveries } from './expire-deliveries.ts';
export type { PushDeps } from './push-delivery-file.ts';
export { pushDeliveryFile } from './push-delivery-file.ts';
export type { RunDeliveryOptions } from './run-delivery.ts';
export { runDelivery } from './run-delivery.ts';
export type { TSelectionSettings } from './selection-settings.ts';
export type {
  SweepDeliveryOutboxesOptions,
  TDeliveryOutboxSweep,
} from './sweep-delivery-outboxes.ts';
export { sweepDeliveryOutboxes } from './sweep-delivery-outboxes.ts';
export { toDeliveryRow } from './to-delivery-row.ts';
