import type { ControlContext, TActor, TPrincipal } from '@alliage/control';
import type { TRole } from '@alliage/domain';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { ApiDeps } from './create-api-app.ts';

export type THttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who called: the principal behind the bearer token, and the actor the audit chain records. */
export interface TAuthContext {
  actor: TActor;
  principal: TPrincipal;
  tokenId: string;
}

/**
 * Object-level rule of a route: principals bound to an organisation (every role but
 * operator and compliance) may only name their own organisation in path parameter
 * `param`; any other code answers 404 "<label> <code> not found", as if it did not exist.
 */
export interface TOrganisationScope {
  param: 'code';
  label: 'organisation' | 'member';
}

/** Who may call a route: `public`, or the roles allowed and the object-level rule. */
export type TRouteAccess =
  | { kind: 'public' }
  | { kind: 'roles'; roles: readonly TRole[]; scope: TOrganisationScope | null };

/** What a handler receives once authentication, authorisation and validation passed. */
export interface TRouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Null only on public routes. */
  auth: TAuthContext | null;
  deps: ApiDeps;
  ctx: ControlContext;
  routes: readonly TApiRoute[];
  req: Request;
  res: Response;
}

/** Input of a handler of a route that needs a token: `auth` is always there. */
export type TAuthedRouteInput<P, Q, B> = TRouteInput<P, Q, B> & { auth: TAuthContext };

/** A reply that is not JSON (e.g. an armoured key as text/plain). */
export interface TTextReply {
  readonly kind: 'text';
  readonly text: string;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Builds a non-JSON reply for a handler to return. */
export function textReply(
  text: string,
  contentType: string,
  headers: Record<string, string> = {},
): TTextReply {
  return { kind: 'text', text, contentType, headers };
}

/** True when a handler's result is a `textReply`. */
export function isTextReply(value: unknown): value is TTextReply {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'text' &&
    typeof (value as { text?: unknown }).text === 'string'
  );
}

/**
 * A reply written as it is produced (an export of any size): the mount pipes the
 * chunks to the response with back-pressure, never holding them all.
 */
export interface TStreamReply {
  readonly kind: 'stream';
  readonly chunks: AsyncIterable<string>;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Builds a streamed reply for a handler to return; errors before it is returned still answer problem+json. */
export function streamReply(
  chunks: AsyncIterable<string>,
  contentType: string,
  headers: Record<string, string> = {},
): TStreamReply {
  return { kind: 'stream', chunks, contentType, headers };
}

/** True when a handler's result is a `streamReply`. */
export function isStreamReply(value: unknown): value is TStreamReply {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'stream' &&
    typeof (value as { chunks?: unknown }).chunks === 'object'
  );
}

/**
 * What a route's handler (or the verbs it calls) may answer besides its success and what
 * the mount answers for every route of its kind (401 and 403 from its roles, 400 from its
 * schemas, 404 from its organisation scope or path parameters, 413 from its body, 429,
 * 500). The OpenAPI document declares a response for each; the API tests check that
 * every status they see is declared.
 *
 * - `not_found` (404): an object named outside the path (query, body) does not exist or
 *   is another organisation's.
 * - `conflict` (409): the object is not in a state that allows the change.
 * - `pool` (503): this API process has not opened the pool (another process runs the jobs).
 * - `repoussoir` (503 with `Retry-After`): a repoussoir import is being applied.
 * - `not_configured` (503): a service the route needs is not set up in this process.
 * - `retryable` (503): a step failed for a passing reason (I/O, an outside server); retry.
 */
export type TRouteFailure =
  | 'not_found'
  | 'conflict'
  | 'pool'
  | 'repoussoir'
  | 'not_configured'
  | 'retryable';

/** One entry of the route registry, as the app mounts it and the OpenAPI document lists it. */
export interface TApiRoute {
  operationId: string;
  method: THttpMethod;
  /** Express path, e.g. `/v1/organisations/:code`. */
  path: string;
  summary: string;
  tag: string;
  access: TRouteAccess;
  params: z.ZodType | null;
  query: z.ZodType | null;
  body: z.ZodType | null;
  /** Largest JSON body the route reads (`4mb`); null: the API's `http.bodyLimit`. */
  bodyLimit: string | null;
  /** Status of a successful answer. */
  status: 200 | 201;
  /** Content types of a successful answer (default application/json). */
  produces: readonly string[];
  /** What the handler may answer besides success (see `TRouteFailure`). */
  failures: readonly TRouteFailure[];
  handler: (input: TRouteInput<unknown, unknown, unknown>) => Promise<unknown>;
}

interface TRouteDefinitionBase<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  operationId: string;
  method: THttpMethod;
  path: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Only for a route whose body must exceed the API's limit (an import): read after the role check. */
  bodyLimit?: string;
  status?: 200 | 201;
  produces?: readonly string[];
  /** What the handler may answer besides success; the mount's own answers are derived. */
  failures?: readonly TRouteFailure[];
}

type TOutput<S> = S extends z.ZodType ? z.output<S> : undefined;

/** A route that needs a bearer token and one of `roles`. */
export interface TAuthedRouteDefinition<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
> extends TRouteDefinitionBase<P, Q, B> {
  roles: readonly TRole[];
  scope?: TOrganisationScope;
  handler: (input: TAuthedRouteInput<TOutput<P>, TOutput<Q>, TOutput<B>>) => Promise<unknown>;
}

/** A route anyone may call. */
export interface TPublicRouteDefinition<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
> extends TRouteDefinitionBase<P, Q, B> {
  handler: (input: TRouteInput<TOutput<P>, TOutput<Q>, TOutput<B>>) => Promise<unknown>;
}

function toRoute(
  definition: TRouteDefinitionBase<z.ZodType, z.ZodType, z.ZodType>,
  access: TRouteAccess,
  handler: unknown,
): TApiRoute {
  return {
    operationId: definition.operationId,
    method: definition.method,
    path: definition.path,
    summary: definition.summary,
    tag: definition.tag,
    access,
    params: definition.params ?? null,
    query: definition.query ?? null,
    body: definition.body ?? null,
    bodyLimit: definition.bodyLimit ?? null,
    status: definition.status ?? 200,
    produces: definition.produces ?? ['application/json'],
    failures: definition.failures ?? [],
    // The mount validates params, query and body with the schemas declared next to
    // this handler before calling it, so the erased input type holds at run time.
    handler: handler as TApiRoute['handler'],
  };
}

/**
 * Declares a route that needs a bearer token; the handler gets parsed input.
 *
 * @example
 * defineRoute({ operationId: 'getMe', method: 'get', path: '/v1/me', summary: 'Who am I',
 *   tag: 'me', roles: ALL_ROLES, handler: async ({ auth }) => auth.principal });
 */
export function defineRoute<
  P extends z.ZodType = z.ZodNever,
  Q extends z.ZodType = z.ZodNever,
  B extends z.ZodType = z.ZodNever,
>(definition: TAuthedRouteDefinition<P, Q, B>): TApiRoute {
  return toRoute(
    definition,
    { kind: 'roles', roles: definition.roles, scope: definition.scope ?? null },
    definition.handler,
  );
}

/**
 * Declares a route that needs no token.
 *
 * @example
 * definePublicRoute({ operationId: 'getHealth', method: 'get', path: '/healthz',
 *   summary: 'Liveness', tag: 'platform', handler: async () => ({ status: 'ok' }) });
 */
export function definePublicRoute<
  P extends z.ZodType = z.ZodNever,
  Q extends z.ZodType = z.ZodNever,
  B extends z.ZodType = z.ZodNever,
>(definition: TPublicRouteDefinition<P, Q, B>): TApiRoute {
  return toRoute(definition, { kind: 'public' }, definition.handler);
}
