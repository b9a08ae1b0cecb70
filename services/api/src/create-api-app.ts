import type { ControlContext, TActor, TFileDrop } from '@alliage/control';
import {
  AppError,
  parseInput,
  type TPullResult,
  type TRegisterProcessor,
  type TSecurityMeasure,
} from '@alliage/domain';
import type { TSelectionSettings } from '@alliage/selection';
import type { TWarehouse } from '@alliage/warehouse';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { type Logger, pino } from 'pino';
import { z } from 'zod';
import { createApiErrorHandler } from './create-api-error-handler.ts';
import { createRateLimiters } from './create-rate-limiters.ts';
import { createRequestLogger } from './create-request-logger.ts';
import { listApiRoutes } from './list-api-routes.ts';
import { mountApiRoute } from './mount-api-route.ts';
import { BODY_LIMIT_PATTERN } from './read-json-body.ts';

/** What the HTTP API runs on: the control plane, the platform key, HTTP limits, a logger. */
export interface ApiDeps {
  control: ControlContext;
  /** The platform's PGP key: public part served, private part signs audit checkpoints. */
  platformKey: {
    armoredPublicKey: string;
    armoredPrivateKey: string;
    passphrase?: string;
    fingerprint: string;
    /** Public keys the platform signed with before its key rotations (checkpoints verify with them). */
    previousPublicKeys?: string[];
  };
  /** The platform's SSH client public key (`ssh-ed25519 AAAA…`) members authorise for pull mode. */
  sshClientPublicKey?: string;
  /** The platform's HMAC secret: repoussoir contact points are stored as keyed hashes under it. */
  hmacSecret: string;
  /** The pool, when this process owns it (its one writer); pool routes answer 503 otherwise. */
  pool?: { warehouse: TWarehouse; countThreshold: number } | null;
  /** Disclosure and delivery settings, and how an approved selection's delivery is queued. */
  selections?: {
    settings: TSelectionSettings;
    enqueueDelivery: (selectionId: string) => Promise<void>;
    /** Queues the push of a delivery to its client's own server (absent: `POST /v1/deliveries/:id/push` answers 503). */
    enqueueDeliveryPush?: (deliveryId: string) => Promise<void>;
  } | null;
  /** Queues a drop's intake job (absent: a retried drop waits for the next dispatch of unfinished drops). */
  enqueueFileDrop?: (drop: TFileDrop) => Promise<void>;
  /** Runs a pull of a member's files now (absent: `POST /v1/members/:code/pull` answers 503). */
  pullMemberFiles?: (actor: TActor, memberCode: string) => Promise<TPullResult>;
  /**
   * What the processor register states from the running configuration (absent:
   * `GET /v1/register` answers 503). Measures are read at each export: the pool's
   * encryption is known once it is open.
   */
  register?: {
    processor: TRegisterProcessor;
    transfersOutsideEu: string | null;
    securityMeasures: () => TSecurityMeasure[];
  } | null;
  /** Rights requests: where members' reports go (absent: the acting rights routes answer 503). */
  rights?: { sftpRoot: string; dropStore: string } | null;
  http: { bodyLimit: string; rateLimitPerMinute: number; trustProxy: boolean };
  /** Extra fields of `GET /healthz` (version, back-ends…). */
  health?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Request and error log; defaults to pino at `info` on stdout. */
  logger?: Logger;
  /**
   * How long a request waits for a repoussoir import moving its rows in before it answers
   * 503 with `Retry-After` (default `API_REPOUSSOIR_MAX_WAIT_MS`).
   */
  repoussoirMaxWaitMs?: number;
}

/**
 * A request's longest wait for a repoussoir import being applied (which can take a minute
 * or more): well under the usual client and proxy timeouts (30–60 s), so the caller gets a
 * clear 503 to retry rather than a dropped connection.
 */
export const API_REPOUSSOIR_MAX_WAIT_MS = 10_000;

const ZApiHttpOptions = z.object({
  bodyLimit: z.string().regex(BODY_LIMIT_PATTERN, 'must look like 100kb or 1mb'),
  rateLimitPerMinute: z.number().int().min(1),
  trustProxy: z.boolean(),
});

/**
 * The Express app of the HTTP API: request ids and logs, helmet, rate limits, every
 * route of the registry (bearer token, role, organisation scope, then the JSON body
 * within its limit, zod validation) and problem+json errors.
 *
 * @example
 * const app = createApiApp({ control: ctx, platformKey, http: config.http, logger });
 * const server = await startApiServer(app, { host: '127.0.0.1', port: 8080 });
 */
export function createApiApp(deps: ApiDeps): Express {
  const http = parseInput(ZApiHttpOptions, deps.http, 'http');
  const logger = deps.logger ?? pino({ level: 'info', base: { service: 'alliage-api' } });
  const routes = listApiRoutes();

  const app = express();
  // One hop only: with `true` Express would take the left-most X-Forwarded-For
  // entry, which the client writes itself, and per-address limits would be bypassable.
  app.set('trust proxy', http.trustProxy ? 1 : false);
  app.set('query parser', 'simple');
  // Answers depend on who asks; no validators that a shared cache could mix up.
  app.set('etag', false);
  app.disable('x-powered-by');

  app.use(createRequestLogger(logger));
  app.use(helmet());
  app.use((_req, res, next) => {
    // Tokens and organisation data must not linger in caches.
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(...createRateLimiters(http.rateLimitPerMinute));
  // No body parser here: each route reads its own body once the caller is authenticated
  // and authorised (mountApiRoute), so a refused request is never buffered or parsed.

  // The jobs of the same process (`alliage serve`) share `deps.control` and keep waiting.
  // The alert policy is read through, so the API raises alerts as the context says now.
  const control: ControlContext = {
    ...deps.control,
    repoussoirMaxWaitMs: deps.repoussoirMaxWaitMs ?? API_REPOUSSOIR_MAX_WAIT_MS,
    get alerts() {
      return deps.control.alerts;
    },
  };
  const router = express.Router();
  for (const route of routes) mountApiRoute(router, route, { ...deps, control }, routes);
  app.use(router);

  app.use((_req, _res, next) => {
    next(new AppError('not_found', 'no such route'));
  });
  app.use(createApiErrorHandler(logger));
  return app;
}
