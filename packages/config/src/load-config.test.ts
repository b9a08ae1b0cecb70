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

  it('rejects an out-of-range port and a short HMAC secret', () => {
    expect(() => loadConfig({ ALLIAGE_SFTP_PORT: '70000' })).toThrow(/ALLIAGE_SFTP_PORT/);
    expect(() => loadConfig({ ALLIAGE_HMAC_SECRET: 'short' })).toThrow(/ALLIAGE_HMAC_SECRET/);
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
});
