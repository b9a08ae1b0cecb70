/** The disclosure and delivery settings of a running platform (from config). */
export interface TSelectionSettings {
  /** Counts below it are shown as "<k" (ALLIAGE_COUNT_THRESHOLD); also the minimum order. */
  countThreshold: number;
  countRounding: number;
  countDifferencingHours: number;
  deliveryExpiryDays: number;
  seedCount: number;
  seedEmailDomain: string;
  /** E.164 prefix of seed phones (ALLIAGE_SEED_PHONE_PREFIX); the generator's default when unset. */
  seedPhonePrefix?: string;
}
