/**
 * Environment for a CLI or serve child process: only what the caller gives, plus PATH
 * and HOME, so that a developer's own ALLIAGE_* or DATABASE_URL never leaks in.
 *
 * @example
 * const env = cliEnv({ ALLIAGE_DATA_DIR: dataDir, ALLIAGE_HTTP_PORT: '0' });
 */
export function cliEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ALLIAGE_LOG_LEVEL: 'warn',
    ALLIAGE_SFTP_PORT: '0',
    ...extra,
  };
}
