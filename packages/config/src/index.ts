export type { TConfig, TEnv } from './load-config.ts';
export { ConfigError, loadConfig, ZEnv } from './load-config.ts';
