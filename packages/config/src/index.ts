export type { TConfig, TEnv } from './load-config.ts';
export {
  ConfigError,
  loadConfig,
  loadConfigFromEnvironment,
  POOL_DEFAULTS,
  ZEnv,
} from './load-config.ts';
