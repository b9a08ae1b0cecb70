import { z } from 'zod';
// Types only: `drop-report.ts` imports this file's schema.
import type { TDropStatus } from './drop-report.ts';

/**
 * Why a member's unfinished drop has not loaded yet, as the member is told it: the
 * platform's own code (an AppError code, a Node or SQLSTATE code) says which of the
 * platform's parts failed, which is no business of the member's and nothing it can act
 * on. Either way the platform retries the drop by itself and operators are alerted
 * (`drop_stuck`) when it stays unfinished, until it gives up (`abandoned`, the code then
 * says what kept failing); a file at fault is rejected, not retried.
 *
 * - `temporarily_unavailable`: a passing failure (a service restarting, a lock, a
 *   lost connection, disk or memory short); the next attempt will likely load it.
 * - `platform_error`: an unexpected failure of the platform; operators look into it.
 */
export const ZMemberDropErrorCode = z.enum(['temporarily_unavailable', 'platform_error']);
export type TMemberDropErrorCode = z.infer<typeof ZMemberDropErrorCode>;

/** AppError codes of a failure that a later attempt may not meet (all raised as `retry`). */
const PASSING_APP_ERROR_CODES = new Set([
  'unavailable',
  'rate_limited',
  'locked',
  'conflict',
  'not_found',
]);
/** A Node system error: `ECONNREFUSED`, `ETIMEDOUT`, `ENOSPC`… */
const SYSTEM_ERROR_CODE = /^E[A-Z0-9]+$/;
/**
 * SQLSTATE classes of a passing failure: 08 connection, 40 transaction rollback
 * (serialisation, deadlock), 53 insufficient resources, 55P03 lock not available,
 * 57 operator intervention (server shutting down), 58 system error (I/O).
 */
const PASSING_SQLSTATE = /^(08|40|53|57|58)[0-9A-Z]{3}$|^55P03$/;

/** The statuses whose drop did not load for the platform's failures: its code says why. */
const FAILING_STATUSES: ReadonlySet<TDropStatus> = new Set(['received', 'processing', 'abandoned']);

/**
 * What a member is told of the last failed attempt of its drop: null when the drop is
 * accepted, rejected or a duplicate (its outcome says it all) or no attempt failed; an
 * abandoned drop keeps the code of the failure the platform gave up on.
 *
 * @example
 * toMemberDropErrorCode({ status: 'processing', lastErrorCode: 'ECONNREFUSED' }) // 'temporarily_unavailable'
 * toMemberDropErrorCode({ status: 'processing', lastErrorCode: 'P0001' }) // 'platform_error'
 */
export function toMemberDropErrorCode(drop: {
  status: TDropStatus;
  lastErrorCode: string | null;
}): TMemberDropErrorCode | null {
  const code = drop.lastErrorCode;
  if (code === null || !FAILING_STATUSES.has(drop.status)) return null;
  if (
    PASSING_APP_ERROR_CODES.has(code) ||
    SYSTEM_ERROR_CODE.test(code) ||
    PASSING_SQLSTATE.test(code)
  ) {
    return 'temporarily_unavailable';
  }
  return 'platform_error';
}
