export type { TConfig, TEnv } from './load-config.ts';
export { ConfigError, loadConfig, loadConfigFromEnvironment, ZEnv } from './load-config.ts';
