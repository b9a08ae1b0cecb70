import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.ts';

describe('loadConfig', () => {
  it('applies embedded defaults', () => {
    const config = loadConfig({});
    expect(config.dataDir).toBe(path.resolve('.alliage'));
    expect(config.databaseUrl).toBeNull();
    expect(config.redisUrl).toBeNull();
    expect(config.http.port).toBe(8080);
    expect(config.sftp.port).toBe(2222);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', ALLIAGE_HTTP_PORT: '' }).http.port).toBe(8080);
  });

  it('names every bad variable', () => {
    try {
      loadConfig({
        ALLIAGE_HTTP_PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        REDIS_URL: 'redis://localhost:6379',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const configError = error as ConfigError;
      expect(configError.variables.sort()).toEqual(['ALLIAGE_HTTP_PORT', 'DATABASE_URL']);
      expect(configError.message).toContain('ALLIAGE_HTTP_PORT');
      expect(configError.message).toContain('postgres');
    }
  });

  it('keeps processed drop files 7 days unless told, at most 90', () => {
    expect(loadConfig({}).intake.dropFileRetentionDays).toBe(7);
    expect(loadConfig({ ALLIAGE_DROP_FILE_RETENTION_DAYS: '0' }).intake.dropFileRetentionDays).toBe(
      0,
    );
    for (const bad of ['91', '-1', '1.5', 'week']) {
      expect(() => loadConfig({ ALLIAGE_DROP_FILE_RETENTION_DAYS: bad })).toThrow(
        /ALLIAGE_DROP_FILE_RETENTION_DAYS/,
      );
    }
  });

  it('keeps exports to members 30 days unless told, at most 92', () => {
    expect(loadConfig({}).intake.memberExportRetentionDays).toBe(30);
    expect(
      loadConfig({ ALLIAGE_MEMBER_EXPORT_RETENTION_DAYS: '92' }).intake.memberExportRetentionDays,
    ).toBe(92);
    for (const bad of ['93', '-1', '2.5', 'month']) {
      expect(() => loadConfig({ ALLIAGE_MEMBER_EXPORT_RETENTION_DAYS: bad })).toThrow(
        /ALLIAGE_MEMBER_EXPORT_RETENTION_DAYS/,
      );
    }
  });

  it('takes a seed phone prefix of French numbers the operator owns', () => {
    expect(loadConfig({}).selections.seedPhonePrefix).toBe('+3363998');
    expect(loadConfig({ ALLIAGE_SEED_PHONE_PREFIX: '+33755' }).selections.seedPhonePrefix).toBe(
      '+33755',
    );
    for (const bad of ['0755', '+32470', '+33', '+33123456789']) {
      expect(() => loadConfig({ ALLIAGE_SEED_PHONE_PREFIX: bad })).toThrow(
        /ALLIAGE_SEED_PHONE_PREFIX/,
      );
    }
  });

  it('reads the pool memory limit and checkpoint threshold as DuckDB sizes', () => {
    expect(loadConfig({}).pool).toMatchObject({ memoryLimit: '1GB', checkpointThreshold: '256MB' });
    expect(loadConfig({ ALLIAGE_POOL_CHECKPOINT_THRESHOLD: '1GB' }).pool.checkpointThreshold).toBe(
      '1GB',
    );
    expect(() => loadConfig({ ALLIAGE_POOL_CHECKPOINT_THRESHOLD: 'lots' })).toThrow(
      /ALLIAGE_POOL_CHECKPOINT_THRESHOLD/,
    );
  });

  it('reads how long a BullMQ worker may stay silent before its job is taken over', () => {
    expect(loadConfig({}).worker.stalledSeconds).toBe(30);
    expect(loadConfig({ ALLIAGE_QUEUE_STALLED_SECONDS: '10' }).worker.stalledSeconds).toBe(10);
    expect(() => loadConfig({ ALLIAGE_QUEUE_STALLED_SECONDS: '1' })).toThrow(
      /ALLIAGE_QUEUE_STALLED_SECONDS/,
    );
  });

  it('reads the SFTP session timeouts, refusing values that would disable them', () => {
    expect(loadConfig({}).sftp).toMatchObject({
      idleTimeoutSeconds: 900,
      maxSessionSeconds: 21_600,
    });
    expect(
      loadConfig({
        ALLIAGE_SFTP_IDLE_TIMEOUT_SECONDS: '300',
        ALLIAGE_SFTP_MAX_SESSION_SECONDS: '3600',
      }).sftp,
    ).toMatchObject({ idleTimeoutSeconds: 300, maxSessionSeconds: 3600 });
    expect(() => loadConfig({ ALLIAGE_SFTP_IDLE_TIMEOUT_SECONDS: '0' })).toThrow(
      /ALLIAGE_SFTP_IDLE_TIMEOUT_SECONDS/,
    );
    expect(() => loadConfig({ ALLIAGE_SFTP_MAX_SESSION_SECONDS: '9999999' })).toThrow(
      /ALLIAGE_SFTP_MAX_SESSION_SECONDS/,
    );
  });

  it('rejects an out-of-range port and a short HMAC secret', () => {
    expect(() => loadConfig({ ALLIAGE_SFTP_PORT: '70000' })).toThrow(/ALLIAGE_SFTP_PORT/);
    expect(() => loadConfig({ ALLIAGE_HMAC_SECRET: 'short' })).toThrow(/ALLIAGE_HMAC_SECRET/);
  });

  it('rejects blank or filler secrets, hosts that are none, and unbounded limits', () => {
    for (const [name, value] of [
      ['ALLIAGE_HMAC_SECRET', ' '.repeat(40)],
      ['ALLIAGE_HMAC_SECRET', 'x'.repeat(40)],
      ['ALLIAGE_HMAC_SECRET', ` ${'test-only-hmac-secret-0123456789abcdef'}`],
      ['ALLIAGE_POOL_ENCRYPTION_KEY', 'ab'.repeat(20)],
      ['ALLIAGE_HTTP_HOST', 'not a host!!'],
      ['ALLIAGE_SFTP_HOST', 'sftp.example/x'],
      ['ALLIAGE_BODY_LIMIT', '0kb'],
      ['ALLIAGE_BODY_LIMIT', '99999mb'],
      ['ALLIAGE_RATE_LIMIT_PER_MINUTE', '99999999'],
    ] as const) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(name);
    }
    const accepted = loadConfig({
      ALLIAGE_HMAC_SECRET: 'test-only-hmac-secret-0123456789abcdef',
      ALLIAGE_HTTP_HOST: '0.0.0.0',
      ALLIAGE_SFTP_HOST: 'sftp.alliage.example',
      ALLIAGE_BODY_LIMIT: '4mb',
    });
    expect(accepted.secrets.hmacSecret).toBe('test-only-hmac-secret-0123456789abcdef');
    expect(loadConfig({ ALLIAGE_HTTP_HOST: '::1' })).toBeTruthy();
  });

  it('reads the SSH client key of pull mode, refusing a public key', () => {
    expect(loadConfig({}).secrets.sshClientKey).toBeNull();
    const key =
      '-----BEGIN OPENSSH PRIVATE KEY-----\ntest-only\n-----END OPENSSH PRIVATE KEY-----\n';
    expect(loadConfig({ ALLIAGE_SSH_CLIENT_KEY: key }).secrets.sshClientKey).toBe(key);
    expect(() => loadConfig({ ALLIAGE_SSH_CLIENT_KEY: 'ssh-ed25519 AAAA' })).toThrow(
      /ALLIAGE_SSH_CLIENT_KEY/,
    );
  });

  it('reads the processor register settings, none configured by default', () => {
    expect(loadConfig({}).register).toEqual({
      processorName: 'Alliage (processor)',
      processorAddress: null,
      dpoContact: null,
      transfersOutsideEu: null,
    });
    const config = loadConfig({
      ALLIAGE_PROCESSOR_NAME: 'Alliage SAS',
      ALLIAGE_DPO_CONTACT: 'dpo@alliage.invalid',
      ALLIAGE_TRANSFERS_OUTSIDE_EU: 'Backups in Switzerland (adequacy decision)',
    });
    expect(config.register).toMatchObject({
      processorName: 'Alliage SAS',
      dpoContact: 'dpo@alliage.invalid',
      transfersOutsideEu: 'Backups in Switzerland (adequacy decision)',
    });
  });

  it('reads the alert settings: threshold 5 and no webhook by default, loopback http only', () => {
    expect(loadConfig({}).alerts).toEqual({ deniedAccessThreshold: 5, webhookUrl: null });
    expect(
      loadConfig({
        ALLIAGE_ALERT_DENIED_THRESHOLD: '3',
        ALLIAGE_ALERT_WEBHOOK_URL: 'https://hooks.example.invalid/alliage',
      }).alerts,
    ).toEqual({ deniedAccessThreshold: 3, webhookUrl: 'https://hooks.example.invalid/alliage' });
    expect(
      loadConfig({ ALLIAGE_ALERT_WEBHOOK_URL: 'http://127.0.0.1:9999/hook' }).alerts.webhookUrl,
    ).toBe('http://127.0.0.1:9999/hook');
    for (const bad of ['http://hooks.example.invalid/x', 'ftp://127.0.0.1/x', 'not a url']) {
      expect(() => loadConfig({ ALLIAGE_ALERT_WEBHOOK_URL: bad })).toThrow(
        /ALLIAGE_ALERT_WEBHOOK_URL/,
      );
    }
    expect(() => loadConfig({ ALLIAGE_ALERT_DENIED_THRESHOLD: '0' })).toThrow(
      /ALLIAGE_ALERT_DENIED_THRESHOLD/,
    );
  });
});
