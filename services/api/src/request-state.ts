import type { Response } from 'express';
import type { TAuthContext } from './api-route.ts';

/** What the API remembers about one request while it runs (kept in `res.locals`). */
export interface TRequestState {
  requestId: string;
  /** Registry path of the matched route (`/v1/organisations/:code`), null when none matched. */
  routePath: string | null;
  auth: TAuthContext | null;
}

const KEY = 'alliage';

/** The state of this request, created on first use. */
export function requestState(res: Response): TRequestState {
  const locals = res.locals as Record<string, unknown>;
  let state = locals[KEY] as TRequestState | undefined;
  if (state === undefined) {
    state = { requestId: '', routePath: null, auth: null };
    locals[KEY] = state;
  }
  return state;
}
