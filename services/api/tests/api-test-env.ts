import type { TControlDbKind } from '@alliage/control';
import {
  type ControlContext,
  createApiToken,
  createOrganisation,
  createPrincipal,
  listLatestAuditEvents,
  SYSTEM_ACTOR,
  setInstruction,
  type TAuditEvent,
  type TPrincipal,
} from '@alliage/control';
import { createTestControlDb, type TestControlDb } from '@alliage/control/testing';
import { generatePgpKeyPair, type TPgpKeyPair } from '@alliage/crypto';
import { describeSecurityMeasures, type TInstructionBodyInput, type TRole } from '@alliage/domain';
import type { TSelectionSettings } from '@alliage/selection';
import type { TWarehouse } from '@alliage/warehouse';
import { createTestWarehouse } from '@alliage/warehouse/testing';
import express from 'express';
import { pino } from 'pino';
import { type ApiDeps, type ApiServer, createApiApp, startApiServer } from '../src/index.ts';
import { requestState } from '../src/request-state.ts';

/** The seeded callers of every suite; `anonymous` sends no token. */
export const SEEDED_CALLERS = [
  'operator',
  'compliance',
  'm01Admin',
  'm01User',
  'm02Admin',
  'm02User',
  'c01Marketer',
] as const;
export type TSeededCaller = (typeof SEEDED_CALLERS)[number];

const SEED: Record<TSeededCaller, { role: TRole; organisationCode: string | null }> = {
  operator: { role: 'operator', organisationCode: null },
  compliance: { role: 'compliance', organisationCode: null },
  m01Admin: { role: 'member_admin', organisationCode: 'M01' },
  m01User: { role: 'member_user', organisationCode: 'M01' },
  m02Admin: { role: 'member_admin', organisationCode: 'M02' },
  m02User: { role: 'member_user', organisationCode: 'M02' },
  c01Marketer: { role: 'client_marketer', organisationCode: 'C01' },
};

/** A valid instruction body (test data only). */
export const SAMPLE_INSTRUCTION: TInstructionBodyInput = {
  purposes: ['targeting'],
  channels: ['postal', 'email'],
  thirdPartyAllowed: true,
  clientSectorsAllow: null,
  clientSectorsDeny: ['equipement_maison'],
  retentionMonths: 36,
  signedBy: 'Test Only, DPO',
  effectiveFrom: '2026-12-01',
};

/** A TEST-ONLY public key (its private half was discarded) served as the platform's SSH client key. */
const TEST_SSH_CLIENT_PUBLIC_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAScVORJoJFHrVjzdp6Fe9vMT3kjfkuUJjtaqFrBXBA0 test-only';

/** A TEST-ONLY platform HMAC secret (repoussoir hashes). */
export const TEST_HMAC_SECRET = 'test-only-hmac-secret-not-for-production';

const testKeys = new Map<string, Promise<TPgpKeyPair>>();

/** One generated key pair per name and test process (test-only keys). */
function testKeyPair(name: string): Promise<TPgpKeyPair> {
  const key = testKeys.get(name) ?? generatePgpKeyPair({ name, email: 'platform@alliage.invalid' });
  testKeys.set(name, key);
  return key;
}

/** One generated platform key per test file (test-only key). */
export function testPlatformKey(): Promise<TPgpKeyPair> {
  return testKeyPair('Alliage test platform');
}

/** The key the test platform "rotated out" (test-only): its checkpoints must still verify. */
export function testPreviousPlatformKey(): Promise<TPgpKeyPair> {
  return testKeyPair('Alliage test platform (rotated out)');
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as is (with content-type application/json unless `headers` says otherwise). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestApi {
  url: string;
  ctx: ControlContext;
  control: TestControlDb;
  /** The throw-away pool the API counts selections in. */
  warehouse: TWarehouse;
  /** Selections whose delivery an approval queued, in order. */
  queuedDeliveries: string[];
  /** Deliveries whose push the API queued (`POST /v1/deliveries/:id/push`). */
  queuedPushes: string[];
  /** File drops whose intake job the API queued (`POST /v1/files/:id/retry`), in order. */
  queuedFileDrops: string[];
  platformKey: TPgpKeyPair;
  tokens: Record<TSeededCaller, string>;
  principals: Record<TSeededCaller, TPrincipal>;
  /** Lines pino wrote, parsed. */
  logs: Record<string, unknown>[];
  /**
   * Every answer a registry route gave so far (`503`, or `503 Retry-After` when it sent the
   * header), by `METHOD /registry/path` (requests no route matched are left out), for
   * `expectObservedAnswersDeclared`.
   */
  observedAnswers: Map<string, Set<string>>;
  /** Moves the control-plane clock this far ahead of real time (0: back to real time). */
  setClockOffset(offsetMs: number): void;
  call(method: string, path: string, options?: CallOptions): Promise<TestResponse>;
  latestEvents(count: number): Promise<TAuditEvent[]>;
  close(): Promise<void>;
}

/** Disclosure settings of the test API: threshold 20, counts rounded to 10. */
export const TEST_SELECTION_SETTINGS: TSelectionSettings = {
  countThreshold: 20,
  countRounding: 10,
  countDifferencingHours: 720,
  deliveryExpiryDays: 30,
  seedCount: 3,
  seedEmailDomain: 'alliage-temoins.fr',
};

export interface StartTestApiOptions {
  http?: Partial<ApiDeps['http']>;
  /** Skip seeding organisations and principals. */
  seed?: boolean;
  /** Use this control context instead of the test database's (e.g. a broken one). */
  control?: ControlContext;
  health?: ApiDeps['health'];
  /**
   * What `POST /v1/members/:code/pull` runs. The default answers empty counts: the
   * puller itself is tested against a real SFTP server (services/cli/tests).
   */
  pullMemberFiles?: ApiDeps['pullMemberFiles'];
  /** What `GET /v1/register` states of the processor (default: TEST_REGISTER). */
  register?: ApiDeps['register'];
  /**
   * An API process that opened no pool and has none of the optional services (selections,
   * rights, register, pull, push, SSH client key), as a second API process would be.
   */
  bare?: boolean;
}

/** The processor register settings of the test API: defaults, the pool encrypted. */
export const TEST_REGISTER: NonNullable<ApiDeps['register']> = {
  processor: { name: 'Alliage (processor)', address: null, dpoContact: null },
  transfersOutsideEu: null,
  securityMeasures: () =>
    describeSecurityMeasures({
      databaseUrl: null,
      redisUrl: null,
      pool: { encryptionAtRest: true, encryptionNote: null },
      countThreshold: 20,
      seedCount: 3,
      deliveryExpiryDays: 30,
      dropFileRetentionDays: 7,
      memberExportRetentionDays: 30,
    }),
};

/**
 * A real API on a free port over a fresh control plane of `kind`, seeded through
 * the control verbs: M01 and M02 (members) with an admin and a user each, C01
 * (client) with a marketer, an operator and a compliance officer, and one
 * instruction version for each member.
 */
export async function startTestApi(
  kind: TControlDbKind,
  options: StartTestApiOptions = {},
): Promise<TestApi> {
  const control = await createTestControlDb(kind);
  // Real time (keys and signatures made now must not look future-dated), shiftable.
  let offsetMs = 0;
  const ctx: ControlContext = { db: control.db, clock: () => new Date(Date.now() + offsetMs) };
  const platformKey = await testPlatformKey();
  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  );

  const tokens = {} as Record<TSeededCaller, string>;
  const principals = {} as Record<TSeededCaller, TPrincipal>;
  if (options.seed !== false) {
    await createOrganisation(ctx, SYSTEM_ACTOR, {
      code: 'M01',
      name: 'Maison Test',
      kind: 'member',
      sector: 'equipement_maison',
    });
    await createOrganisation(ctx, SYSTEM_ACTOR, {
      code: 'M02',
      name: 'Auto Test',
      kind: 'member',
      sector: 'automobile',
    });
    await createOrganisation(ctx, SYSTEM_ACTOR, {
      code: 'C01',
      name: 'Client Test',
      kind: 'client',
      sector: 'energie',
    });
    for (const caller of SEEDED_CALLERS) {
      const principal = await createPrincipal(ctx, SYSTEM_ACTOR, {
        name: `test ${caller}`,
        ...SEED[caller],
      });
      const { token } = await createApiToken(ctx, SYSTEM_ACTOR, {
        principalId: principal.id,
        name: caller,
      });
      tokens[caller] = token;
      principals[caller] = principal;
    }
    await setInstruction(ctx, SYSTEM_ACTOR, 'M01', SAMPLE_INSTRUCTION);
    await setInstruction(ctx, SYSTEM_ACTOR, 'M02', SAMPLE_INSTRUCTION);
  }

  const pool = await createTestWarehouse();
  const queuedDeliveries: string[] = [];
  const queuedPushes: string[] = [];
  const queuedFileDrops: string[] = [];
  // What a second API process (no pool, no jobs) lacks.
  const services: Partial<ApiDeps> = options.bare
    ? {}
    : {
        pool: { warehouse: pool.warehouse, countThreshold: 20 },
        selections: {
          settings: TEST_SELECTION_SETTINGS,
          enqueueDelivery: async (selectionId) => {
            queuedDeliveries.push(selectionId);
          },
          enqueueDeliveryPush: async (deliveryId) => {
            queuedPushes.push(deliveryId);
          },
        },
        sshClientPublicKey: TEST_SSH_CLIENT_PUBLIC_KEY,
        rights: { sftpRoot: `${pool.directory}/sftp`, dropStore: `${pool.directory}/drops` },
        register: options.register === undefined ? TEST_REGISTER : options.register,
        enqueueFileDrop: async (drop) => {
          queuedFileDrops.push(drop.id);
        },
        pullMemberFiles:
          options.pullMemberFiles ??
          (async () => ({ fetched: 0, skipped: 0, ignored: 0, fileDropIds: [] })),
      };
  const previousKey = await testPreviousPlatformKey();
  const app = createApiApp({
    control: options.control ?? ctx,
    platformKey: { ...platformKey, previousPublicKeys: [previousKey.armoredPublicKey] },
    http: { bodyLimit: '100kb', rateLimitPerMinute: 100_000, trustProxy: false, ...options.http },
    ...(options.health ? { health: options.health } : {}),
    hmacSecret: TEST_HMAC_SECRET,
    ...services,
    logger,
  });
  const observedAnswers = new Map<string, Set<string>>();
  // Outside the API app: sees every answer, the error handler's included, once it is sent.
  const recorder = express();
  recorder.use((req, res, next) => {
    res.on('finish', () => {
      const { routePath } = requestState(res);
      if (routePath === null) return;
      const key = `${req.method} ${routePath}`;
      const answers = observedAnswers.get(key) ?? new Set<string>();
      answers.add(
        res.hasHeader('retry-after') ? `${res.statusCode} Retry-After` : String(res.statusCode),
      );
      observedAnswers.set(key, answers);
    });
    next();
  });
  recorder.use(app);
  const server: ApiServer = await startApiServer(recorder, { host: '127.0.0.1', port: 0 });

  return {
    url: server.url,
    ctx,
    warehouse: pool.warehouse,
    queuedDeliveries,
    queuedPushes,
    queuedFileDrops,
    control,
    platformKey,
    tokens,
    principals,
    logs,
    observedAnswers,
    setClockOffset: (next) => {
      offsetMs = next;
    },
    call: async (method, path, callOptions = {}) => {
      const headers: Record<string, string> = {};
      if (callOptions.token) headers.authorization = `Bearer ${callOptions.token}`;
      let body: string | undefined;
      if (callOptions.rawBody !== undefined) {
        body = callOptions.rawBody;
        headers['content-type'] = 'application/json';
      } else if (callOptions.body !== undefined) {
        body = JSON.stringify(callOptions.body);
        headers['content-type'] = 'application/json';
      }
      Object.assign(headers, callOptions.headers);
      const response = await fetch(`${server.url}${path}`, { method, headers, body });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    latestEvents: (count) => listLatestAuditEvents(ctx, count),
    close: async () => {
      await server.close();
      await pool.cleanup();
      await control.close();
    },
  };
}
