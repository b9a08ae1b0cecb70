import type { TConfig } from '@alliage/config';
import {
  describeSecurityMeasures,
  type TRegisterProcessor,
  type TSecurityMeasure,
} from '@alliage/domain';

/** The pool's encryption as the process that opened it reports it. */
export interface TPoolEncryption {
  encryptionAtRest: boolean;
  encryptionNote: string | null;
}

/** What the processor register states from the running configuration. */
export interface TRegisterSettings {
  processor: TRegisterProcessor;
  transfersOutsideEu: string | null;
  securityMeasures: () => TSecurityMeasure[];
}

/**
 * The register settings of this process: the processor's identity from the
 * configuration, and measures read from it and from the pool when this process
 * opened it (`pool()` null: its encryption is stated as unknown).
 *
 * @example
 * const settings = registerSettings(config, () => runtime.warehouse);
 */
export function registerSettings(
  config: TConfig,
  pool: () => TPoolEncryption | null,
): TRegisterSettings {
  return {
    processor: {
      name: config.register.processorName,
      address: config.register.processorAddress,
      dpoContact: config.register.dpoContact,
    },
    transfersOutsideEu: config.register.transfersOutsideEu,
    securityMeasures: () => {
      const opened = pool();
      return describeSecurityMeasures({
        databaseUrl: config.databaseUrl,
        redisUrl: config.redisUrl,
        pool: opened
          ? { encryptionAtRest: opened.encryptionAtRest, encryptionNote: opened.encryptionNote }
          : null,
        countThreshold: config.pool.countThreshold,
        seedCount: config.selections.seedCount,
        deliveryExpiryDays: config.selections.deliveryExpiryDays,
        dropFileRetentionDays: config.intake.dropFileRetentionDays,
        memberExportRetentionDays: config.intake.memberExportRetentionDays,
      });
    },
  };
}
