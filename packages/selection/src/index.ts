export type { TBuiltScope } from './build-selection-scope.ts';
export { buildSelectionScope } from './build-selection-scope.ts';
export type { CountSelectionAudienceOptions, TAudienceCount } from './count-selection-audience.ts';
export { countSelectionAudience, syncPoolRepoussoir } from './count-selection-audience.ts';
export { expireDeliveries } from './expire-deliveries.ts';
export type { RunDeliveryOptions } from './run-delivery.ts';
export { runDelivery } from './run-delivery.ts';
export type { TSelectionSettings } from './selection-settings.ts';
export { toDeliveryRow } from './to-delivery-row.ts';
