import { loadConfig } from '@alliage/config';
import { buildProcessorRegister, formatRegisterMarkdown } from '@alliage/domain';
import { describe, expect, it } from 'vitest';
import { registerSettings } from './register-settings.ts';

/** The register a process with this environment would export, with no member. */
function registerFor(env: Record<string, string>, pool: Parameters<typeof registerSettings>[1]) {
  const settings = registerSettings(loadConfig(env), pool);
  return formatRegisterMarkdown(
    buildProcessorRegister({
      processor: settings.processor,
      transfersOutsideEu: settings.transfersOutsideEu,
      securityMeasures: settings.securityMeasures(),
      generatedAt: new Date('2026-12-15T08:00:00Z'),
      members: [],
    }),
  );
}

describe('registerSettings', () => {
  it('states the defaults of an embedded platform', () => {
    const markdown = registerFor({}, () => null);
    expect(markdown).toContain('| Name (Nom) | Alliage (processor) |');
    expect(markdown).toContain('| Address (Adresse) | not configured |');
    expect(markdown).toContain('embedded PGlite database');
    expect(markdown).toContain('in-process queue');
    expect(markdown).toContain('| unknown | unknown: the pool is not open in this process |');
    expect(markdown).toContain('Personal data transferred outside the European Union: no');
    expect(markdown).toContain("members' encrypted files deleted 7 days after processing");
  });

  it('changes with the configuration and the opened pool', () => {
    const markdown = registerFor(
      {
        ALLIAGE_PROCESSOR_NAME: 'Alliage SAS',
        ALLIAGE_PROCESSOR_ADDRESS: '1 rue de Test, 69001 Lyon',
        ALLIAGE_DPO_CONTACT: 'dpo@alliage.invalid',
        ALLIAGE_TRANSFERS_OUTSIDE_EU: 'Backups in Switzerland (adequacy decision)',
        DATABASE_URL: 'postgres://db.invalid/alliage',
        REDIS_URL: 'redis://queue.invalid:6379',
        ALLIAGE_COUNT_THRESHOLD: '50',
        ALLIAGE_SEED_COUNT: '5',
        ALLIAGE_DROP_FILE_RETENTION_DAYS: '0',
      },
      () => ({ encryptionAtRest: true, encryptionNote: null }),
    );
    expect(markdown).toContain('| Name (Nom) | Alliage SAS |');
    expect(markdown).toContain('| Address (Adresse) | 1 rue de Test, 69001 Lyon |');
    expect(markdown).toContain('dpo@alliage.invalid');
    expect(markdown).toContain('Personal data transferred outside the European Union: yes');
    expect(markdown).toContain('Backups in Switzerland (adequacy decision)');
    expect(markdown).toContain('PostgreSQL server (DATABASE_URL)');
    expect(markdown).toContain('BullMQ on Redis');
    expect(markdown).toContain('&lt;50');
    expect(markdown).toContain('5 seed records');
    expect(markdown).toContain(
      "members' encrypted files deleted at the first daily housekeeping after processing",
    );
    expect(markdown).toContain('| yes | the pool database file is encrypted');
  });

  it('reads the pool at each export, not once', () => {
    let encryption: { encryptionAtRest: boolean; encryptionNote: string | null } | null = null;
    const settings = registerSettings(loadConfig({}), () => encryption);
    const state = () =>
      settings.securityMeasures().find((measure) => measure.key === 'encryption_at_rest')?.state;
    expect(state()).toBe('unknown');
    encryption = { encryptionAtRest: false, encryptionNote: 'no httpfs' };
    expect(state()).toBe('not_in_force');
  });
});
