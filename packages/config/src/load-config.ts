import path from 'node:path';
import {
  DEFAULT_DROP_FILE_RETENTION_DAYS,
  DEFAULT_MEMBER_EXPORT_RETENTION_DAYS,
  MAX_DROP_FILE_RETENTION_DAYS,
  MAX_MEMBER_EXPORT_RETENTION_DAYS,
  ZHost,
} from '@alliage/domain';
import { z } from 'zod';

const ZPort = z.coerce.number().int().min(0).max(65535);
/**
 * A secret given in the environment: long, and not a blank or repeated filler (a
 * whitespace-only or `xxxx…` value passes a length check and protects nothing).
 */
const ZSecretValue = z
  .string()
  .min(32, 'must be at least 32 characters')
  .refine((value) => value.trim() === value, 'must not start or end with whitespace')
  .refine(
    (value) => new Set(value).size >= 8,
    'must be a random value (at least 8 different characters; e.g. openssl rand -base64 32)',
  );
/** Bytes of a size written like `100kb`, `1mb`, `512b`. */
function sizeInBytes(value: string): number {
  const match = /^(\d+)(b|kb|mb)$/i.exec(value);
  if (!match) return Number.NaN;
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2 }[(match[2] as string).toLowerCase() as 'b'];
  return Number(match[1]) * unit;
}
/** A DuckDB memory size setting. */
const ZDuckDbSize = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(MB|MiB|GB|GiB)$/, 'must look like 512MB or 2GB');

const ZPostgresUrl = z
  .string()
  .refine(
    (value) => /^postgres(ql)?:\/\//.test(value),
    'must be a postgres:// or postgresql:// URL',
  );

const ZRedisUrl = z
  .string()
  .refine((value) => /^rediss?:\/\//.test(value), 'must be a redis:// or rediss:// URL');

/**
 * Defaults of the pool's DuckDB settings, also used by `npm run bench`. The memory limit
 * keeps the whole process (DuckDB, the JavaScript heap, Node itself) within the 2 GiB
 * budget on a 1M-record pool: DuckDB's own usage comes on top of ~0.8 GiB of the rest
 * (a 1GB limit peaks at ~1.9 GiB of RSS, 2GB at ~2.7 GiB); larger work spills to disk.
 * The checkpoint threshold is well above DuckDB's 16MB: a drop into a large pool then commits to the
 * write-ahead log instead of rewriting the tables it touched (a 50,000-record drop into
 * 1M records: 8 s of commits at 16MB, under 1 s at 256MB), and the daily housekeeping
 * checkpoints the log away (docs/operations.md).
 */
export const POOL_DEFAULTS = { memoryLimit: '1GB', checkpointThreshold: '256MB' } as const;

/**
 * Every environment variable Alliage reads, with its default. The README's
 * configuration table mirrors this list.
 */
export const ZEnv = z.object({
  ALLIAGE_DATA_DIR: z.string().min(1).default('./.alliage'),
  DATABASE_URL: ZPostgresUrl.optional(),
  REDIS_URL: ZRedisUrl.optional(),
  ALLIAGE_HTTP_HOST: ZHost.default('127.0.0.1'),
  ALLIAGE_HTTP_PORT: ZPort.default(8080),
  ALLIAGE_SFTP_PORT: ZPort.default(2222),
  ALLIAGE_SFTP_HOST: ZHost.default('127.0.0.1'),
  ALLIAGE_SFTP_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(2 * 1024 ** 3),
  ALLIAGE_SFTP_MAX_SESSIONS_PER_ORG: z.coerce.number().int().min(1).max(1000).default(4),
  /** A session with no SFTP request for this long is closed (suspensions and revocations take effect). */
  ALLIAGE_SFTP_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  /** Any SFTP session is closed this long after login. */
  ALLIAGE_SFTP_MAX_SESSION_SECONDS: z.coerce.number().int().min(60).max(604_800).default(21_600),
  ALLIAGE_INTAKE_MAX_PLAINTEXT_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(16 * 1024 ** 3),
  ALLIAGE_INTAKE_MAX_REJECTED_RATIO: z.coerce.number().min(0).max(1).default(0.05),
  /** Days a processed drop's encrypted file is kept before the daily housekeeping deletes it. */
  ALLIAGE_DROP_FILE_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_DROP_FILE_RETENTION_DAYS)
    .default(DEFAULT_DROP_FILE_RETENTION_DAYS),
  /** Days a personal-data export (rights request, offboarding) stays in a member's reports/. */
  ALLIAGE_MEMBER_EXPORT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_MEMBER_EXPORT_RETENTION_DAYS)
    .default(DEFAULT_MEMBER_EXPORT_RETENTION_DAYS),
  ALLIAGE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  ALLIAGE_QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be 1-40 lower-case letters, digits, - or _')
    .default('alliage'),
  /** BullMQ: a worker silent this long is presumed dead and its job is taken over (also how often that is checked). */
  ALLIAGE_QUEUE_STALLED_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  ALLIAGE_HMAC_SECRET: ZSecretValue.optional(),
  ALLIAGE_PGP_PRIVATE_KEY: z
    .string()
    .includes('BEGIN PGP PRIVATE KEY BLOCK', { message: 'must be an armoured PGP private key' })
    .optional(),
  ALLIAGE_PGP_PASSPHRASE: z.string().optional(),
  ALLIAGE_SSH_HOST_KEY: z
    .string()
    .includes('PRIVATE KEY', { message: 'must be a PEM/OpenSSH private key' })
    .optional(),
  /** The key the platform logs in with to members' own SFTP servers (pull mode). */
  ALLIAGE_SSH_CLIENT_KEY: z
    .string()
    .includes('PRIVATE KEY', { message: 'must be a PEM/OpenSSH private key' })
    .optional(),
  /** Key of the pool's DuckDB database encryption (AES-GCM); generated into the data directory when unset. */
  ALLIAGE_POOL_ENCRYPTION_KEY: ZSecretValue.optional(),
  /** Folder holding DuckDB extensions (httpfs) for offline deployments. */
  ALLIAGE_DUCKDB_EXTENSION_DIR: z.string().min(1).optional(),
  ALLIAGE_POOL_MEMORY_LIMIT: ZDuckDbSize.default(POOL_DEFAULTS.memoryLimit),
  /** Write-ahead log size that triggers a checkpoint of the pool (DuckDB's checkpoint_threshold). */
  ALLIAGE_POOL_CHECKPOINT_THRESHOLD: ZDuckDbSize.default(POOL_DEFAULTS.checkpointThreshold),
  ALLIAGE_POOL_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  /** Counts below this are shown as "<k", never exactly (segments, audience counts). */
  ALLIAGE_COUNT_THRESHOLD: z.coerce.number().int().min(2).max(1000).default(20),
  /** Audience counts are rounded to a multiple of this, after their cell-key perturbation (1: no rounding). */
  ALLIAGE_COUNT_ROUNDING: z.coerce.number().int().min(1).max(10000).default(10),
  /** A count closer than the threshold to one of the same client's counts in this window is blurred. */
  ALLIAGE_COUNT_DIFFERENCING_HOURS: z.coerce.number().int().min(0).max(8760).default(720),
  /** Days a delivery file stays in the client's out/ before it is deleted. */
  ALLIAGE_DELIVERY_EXPIRY_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Seed records ("adresses témoins") added to each delivery. */
  ALLIAGE_SEED_COUNT: z.coerce.number().int().min(1).max(50).default(3),
  /** Domain the seed emails use: the operator must own it to see contacts on seeds. */
  ALLIAGE_SEED_EMAIL_DOMAIN: z
    .string()
    .regex(/^(?=.{3,200}$)([a-z0-9-]+\.)+[a-z]{2,}$/, 'must be a lower-case domain name')
    .default('alliage-temoins.fr'),
  /**
   * E.164 prefix of seed phone numbers (+33 and up to 8 digits): numbers the operator
   * owns, so SMS and calls to seeds are seen; default: a block reserved for fiction.
   */
  ALLIAGE_SEED_PHONE_PREFIX: z
    .string()
    .regex(/^\+33\d{1,8}$/, 'must be +33 followed by 1 to 8 digits')
    .default('+3363998'),
  /** `access.denied` of one principal within 10 minutes that raise an `access_denied_repeated` alert. */
  ALLIAGE_ALERT_DENIED_THRESHOLD: z.coerce.number().int().min(1).max(10000).default(5),
  /** Every raised alert is POSTed here as JSON (IDs and counts only); https, or http on the loopback. */
  ALLIAGE_ALERT_WEBHOOK_URL: z
    .url()
    .refine(
      (value) =>
        /^https:\/\//.test(value) ||
        /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(value),
      'must be an https:// URL (http:// only on 127.0.0.1, localhost or [::1])',
    )
    .optional(),
  ALLIAGE_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must look like 100kb or 1mb')
    .refine(
      (value) => sizeInBytes(value) >= 1024 && sizeInBytes(value) <= 100 * 1024 ** 2,
      'must be between 1kb and 100mb',
    )
    .default('100kb'),
  ALLIAGE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  ALLIAGE_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  /** Name of the processor as the register of processing (GDPR Art. 30(2)) states it. */
  ALLIAGE_PROCESSOR_NAME: z.string().trim().min(1).max(200).default('Alliage (processor)'),
  /** Postal address of the processor, for the register. */
  ALLIAGE_PROCESSOR_ADDRESS: z.string().trim().min(1).max(500).optional(),
  /** Contact of the data protection officer, for the register. */
  ALLIAGE_DPO_CONTACT: z.string().trim().min(1).max(500).optional(),
  /** Transfers of personal data outside the EU and their safeguards (free text); unset: none. */
  ALLIAGE_TRANSFERS_OUTSIDE_EU: z.string().trim().min(1).max(2000).optional(),
  ALLIAGE_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
});
export type TEnv = z.infer<typeof ZEnv>;

/** Validated configuration of a running Alliage. */
export interface TConfig {
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  http: {
    host: string;
    port: number;
    bodyLimit: string;
    rateLimitPerMinute: number;
    trustProxy: boolean;
  };
  sftp: {
    host: string;
    port: number;
    maxUploadBytes: number;
    maxSessionsPerOrganisation: number;
    idleTimeoutSeconds: number;
    maxSessionSeconds: number;
  };
  intake: {
    maxPlaintextBytes: number;
    maxRejectedRowRatio: number;
    dropFileRetentionDays: number;
    memberExportRetentionDays: number;
  };
  pool: {
    extensionDirectory: string | null;
    memoryLimit: string;
    checkpointThreshold: string;
    threads: number | null;
    countThreshold: number;
  };
  selections: {
    countRounding: number;
    countDifferencingHours: number;
    deliveryExpiryDays: number;
    seedCount: number;
    seedEmailDomain: string;
    seedPhonePrefix: string;
  };
  worker: { concurrency: number; queuePrefix: string; stalledSeconds: number };
  alerts: { deniedAccessThreshold: number; webhookUrl: string | null };
  secrets: {
    hmacSecret: string | null;
    pgpPrivateKey: string | null;
    pgpPassphrase: string | null;
    sshHostKey: string | null;
    sshClientKey: string | null;
    poolEncryptionKey: string | null;
  };
  /** What the processor register states of the processor (GDPR Art. 30(2)). */
  register: {
    processorName: string;
    processorAddress: string | null;
    dpoContact: string | null;
    /** Null: no transfer outside the EU. */
    transfersOutsideEu: string | null;
  };
  logLevel: TEnv['ALLIAGE_LOG_LEVEL'];
}

/** Raised when the environment is invalid; the message names each variable. */
export class ConfigError extends Error {
  readonly variables: string[];
  constructor(message: string, variables: string[]) {
    super(message);
    this.name = 'ConfigError';
    this.variables = variables;
  }
}

/**
 * Reads and validates the environment once. Empty strings count as unset.
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: Record<string, string | undefined>): TConfig {
  const present = Object.fromEntries(
    Object.keys(ZEnv.shape)
      .map((name) => [name, env[name]] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = ZEnv.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${String(issue.path[0])}: ${issue.message}`,
    );
    throw new ConfigError(
      `invalid configuration:\n  ${problems.join('\n  ')}`,
      result.error.issues.map((issue) => String(issue.path[0])),
    );
  }
  const parsed = result.data;
  return {
    dataDir: path.resolve(parsed.ALLIAGE_DATA_DIR),
    databaseUrl: parsed.DATABASE_URL ?? null,
    redisUrl: parsed.REDIS_URL ?? null,
    http: {
      host: parsed.ALLIAGE_HTTP_HOST,
      port: parsed.ALLIAGE_HTTP_PORT,
      bodyLimit: parsed.ALLIAGE_BODY_LIMIT,
      rateLimitPerMinute: parsed.ALLIAGE_RATE_LIMIT_PER_MINUTE,
      trustProxy: parsed.ALLIAGE_TRUST_PROXY === 'true',
    },
    sftp: {
      host: parsed.ALLIAGE_SFTP_HOST,
      port: parsed.ALLIAGE_SFTP_PORT,
      maxUploadBytes: parsed.ALLIAGE_SFTP_MAX_UPLOAD_BYTES,
      maxSessionsPerOrganisation: parsed.ALLIAGE_SFTP_MAX_SESSIONS_PER_ORG,
      idleTimeoutSeconds: parsed.ALLIAGE_SFTP_IDLE_TIMEOUT_SECONDS,
      maxSessionSeconds: parsed.ALLIAGE_SFTP_MAX_SESSION_SECONDS,
    },
    intake: {
      maxPlaintextBytes: parsed.ALLIAGE_INTAKE_MAX_PLAINTEXT_BYTES,
      maxRejectedRowRatio: parsed.ALLIAGE_INTAKE_MAX_REJECTED_RATIO,
      dropFileRetentionDays: parsed.ALLIAGE_DROP_FILE_RETENTION_DAYS,
      memberExportRetentionDays: parsed.ALLIAGE_MEMBER_EXPORT_RETENTION_DAYS,
    },
    pool: {
      extensionDirectory: parsed.ALLIAGE_DUCKDB_EXTENSION_DIR
        ? path.resolve(parsed.ALLIAGE_DUCKDB_EXTENSION_DIR)
        : null,
      memoryLimit: parsed.ALLIAGE_POOL_MEMORY_LIMIT,
      checkpointThreshold: parsed.ALLIAGE_POOL_CHECKPOINT_THRESHOLD,
      threads: parsed.ALLIAGE_POOL_THREADS ?? null,
      countThreshold: parsed.ALLIAGE_COUNT_THRESHOLD,
    },
    selections: {
      countRounding: parsed.ALLIAGE_COUNT_ROUNDING,
      countDifferencingHours: parsed.ALLIAGE_COUNT_DIFFERENCING_HOURS,
      deliveryExpiryDays: parsed.ALLIAGE_DELIVERY_EXPIRY_DAYS,
      seedCount: parsed.ALLIAGE_SEED_COUNT,
      seedEmailDomain: parsed.ALLIAGE_SEED_EMAIL_DOMAIN,
      seedPhonePrefix: parsed.ALLIAGE_SEED_PHONE_PREFIX,
    },
    worker: {
      concurrency: parsed.ALLIAGE_WORKER_CONCURRENCY,
      queuePrefix: parsed.ALLIAGE_QUEUE_PREFIX,
      stalledSeconds: parsed.ALLIAGE_QUEUE_STALLED_SECONDS,
    },
    alerts: {
      deniedAccessThreshold: parsed.ALLIAGE_ALERT_DENIED_THRESHOLD,
      webhookUrl: parsed.ALLIAGE_ALERT_WEBHOOK_URL ?? null,
    },
    secrets: {
      hmacSecret: parsed.ALLIAGE_HMAC_SECRET ?? null,
      pgpPrivateKey: parsed.ALLIAGE_PGP_PRIVATE_KEY ?? null,
      pgpPassphrase: parsed.ALLIAGE_PGP_PASSPHRASE ?? null,
      sshHostKey: parsed.ALLIAGE_SSH_HOST_KEY ?? null,
      sshClientKey: parsed.ALLIAGE_SSH_CLIENT_KEY ?? null,
      poolEncryptionKey: parsed.ALLIAGE_POOL_ENCRYPTION_KEY ?? null,
    },
    register: {
      processorName: parsed.ALLIAGE_PROCESSOR_NAME,
      processorAddress: parsed.ALLIAGE_PROCESSOR_ADDRESS ?? null,
      dpoContact: parsed.ALLIAGE_DPO_CONTACT ?? null,
      transfersOutsideEu: parsed.ALLIAGE_TRANSFERS_OUTSIDE_EU ?? null,
    },
    logLevel: parsed.ALLIAGE_LOG_LEVEL,
  };
}

/**
 * Reads and validates this process's environment: the one place Alliage reads
 * `process.env`.
 *
 * @example
 * const config = loadConfigFromEnvironment();
 */
export function loadConfigFromEnvironment(): TConfig {
  return loadConfig(process.env);
}
