import { AppError, isAppError, parseInput, ZAuditAction } from '@alliage/domain';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { computeAuditHash, toAuditRowForHash } from './audit-compute-hash.ts';
import type { TAuditEvent, TAuditEventInput } from './audit-event.ts';
import { lockAuditChainHead } from './audit-lock-chain-head.ts';
import type { TClock, TExecutor } from './control-context.ts';
import type { ControlSchema } from './schema.ts';

const ZOptionalText = z.string().min(1).max(500).nullish();

const ZAuditEventInput = z.object({
  action: ZAuditAction,
  actor: z.union([z.string().min(1).max(500), z.object({ ref: z.string().min(1).max(500) })]),
  objectType: ZOptionalText,
  objectId: ZOptionalText,
  organisationCode: ZOptionalText,
  // The column is a PostgreSQL integer.
  instructionVersion: z.number().int().min(1).max(2_147_483_647).nullish(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Appends one event to the audit chain, inside `executor`'s transaction (or a new
 * one), so that a rolled-back action leaves no event. Appends are serialised by
 * an advisory lock; the time comes from `clock`.
 *
 * @example
 * await db.transaction().execute(async (trx) => {
 *   // ... the action itself ...
 *   await appendAuditEvent(trx, ctx.clock, { action: 'key.revoked', actor, objectType: 'key', objectId });
 * });
 */
export async function appendAuditEvent(
  executor: TExecutor,
  clock: TClock,
  event: TAuditEventInput,
): Promise<TAuditEvent> {
  const input = parseAuditEvent(event);
  const details = toStoredJson(input.details ?? {});
  if (!executor.isTransaction) {
    return executor.transaction().execute((trx) => appendAuditEvent(trx, clock, event));
  }
  // isTransaction is true only for a Transaction; kysely's types do not narrow on it.
  const trx = executor as Transaction<ControlSchema>;
  const head = await lockAuditChainHead(trx);
  // Read the clock under the lock, so that time order follows seq order.
  const occurredAt = clock();
  if (Number.isNaN(occurredAt.getTime())) {
    throw new TypeError('appendAuditEvent: clock gave an invalid Date');
  }
  const unhashed: Omit<TAuditEvent, 'hash'> = {
    seq: head.seq + 1,
    occurredAt,
    actor: typeof input.actor === 'string' ? input.actor : input.actor.ref,
    action: input.action,
    objectType: input.objectType ?? null,
    objectId: input.objectId ?? null,
    organisationCode: input.organisationCode ?? null,
    instructionVersion: input.instructionVersion ?? null,
    details,
    prevHash: head.hash,
  };
  const hash = computeAuditHash(head.hash, toAuditRowForHash(unhashed));
  await trx
    .insertInto('audit_events')
    .values({
      seq: unhashed.seq,
      occurred_at: occurredAt,
      actor: unhashed.actor,
      action: unhashed.action,
      object_type: unhashed.objectType,
      object_id: unhashed.objectId,
      organisation_code: unhashed.organisationCode,
      instruction_version: unhashed.instructionVersion,
      details: JSON.stringify(details),
      prev_hash: unhashed.prevHash,
      hash,
    })
    .execute();
  return { ...unhashed, hash };
}

/**
 * The event, validated. A malformed event is the platform's own fault, whatever input
 * led to it: it fails as `internal`, so no caller is told about the audit log's fields.
 */
function parseAuditEvent(event: TAuditEventInput): z.output<typeof ZAuditEventInput> {
  try {
    return parseInput(ZAuditEventInput, event, 'audit event');
  } catch (error) {
    if (!isAppError(error)) throw error;
    throw new AppError('internal', error.message, { fields: error.fields, cause: error });
  }
}

/**
 * `details` as it will read back from jsonb (Dates as ISO strings, undefined
 * dropped, NaN as null), so the hash made now is the hash recomputed later.
 */
function toStoredJson(details: Record<string, unknown>): Record<string, unknown> {
  let stored: unknown;
  try {
    stored = JSON.parse(JSON.stringify(details));
  } catch (error) {
    throw new AppError('internal', 'audit event details are not JSON-serialisable', {
      cause: error,
    });
  }
  // A toJSON() could have turned the object into something else.
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    throw new AppError('internal', 'audit event details must serialise to a JSON object');
  }
  return stored as Record<string, unknown>;
}
