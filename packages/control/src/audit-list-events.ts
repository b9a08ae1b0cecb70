import { parseInput } from '@alliage/domain';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor.ts';
import { type TAuditEvent, toAuditEvent } from './audit-event.ts';
import { DEFAULT_AUDIT_PAGE_SIZE, type TAuditFilterInput, ZAuditFilter } from './audit-filter.ts';
import type { ControlContext } from './control-context.ts';

/** One page of audit events and the cursor of the next, null on the last page. */
export interface TAuditEventPage {
  events: TAuditEvent[];
  nextCursor: string | null;
}

/**
 * Audit events matching `filter`, in seq order, one page at a time (keyset paging
 * on seq, so pages stay stable while the chain grows).
 *
 * @example
 * const { events, nextCursor } = await listAuditEvents(ctx, { action: ['file.received'], limit: 50 });
 */
export async function listAuditEvents(
  ctx: ControlContext,
  filter: TAuditFilterInput = {},
): Promise<TAuditEventPage> {
  const parsed = parseInput(ZAuditFilter, filter, 'filter');
  const limit = parsed.limit ?? DEFAULT_AUDIT_PAGE_SIZE;
  let query = ctx.db.selectFrom('audit_events').selectAll();
  if (parsed.cursor !== undefined)
    query = query.where('seq', '>', decodeAuditCursor(parsed.cursor));
  if (parsed.action !== undefined) query = query.where('action', 'in', parsed.action);
  if (parsed.excludeAction !== undefined) {
    query = query.where('action', 'not in', parsed.excludeAction);
  }
  if (parsed.organisationCode !== undefined) {
    query = query.where('organisation_code', '=', parsed.organisationCode);
  }
  if (parsed.actor !== undefined) query = query.where('actor', '=', parsed.actor);
  if (parsed.objectType !== undefined) query = query.where('object_type', '=', parsed.objectType);
  if (parsed.objectId !== undefined) query = query.where('object_id', '=', parsed.objectId);
  if (parsed.instructionVersion !== undefined) {
    query = query.where('instruction_version', '=', parsed.instructionVersion);
  }
  if (parsed.from !== undefined) query = query.where('occurred_at', '>=', parsed.from);
  if (parsed.to !== undefined) query = query.where('occurred_at', '<', parsed.to);
  // One row more than asked tells whether another page exists.
  const rows = await query
    .orderBy('seq', 'asc')
    .limit(limit + 1)
    .execute();
  const events = rows.slice(0, limit).map(toAuditEvent);
  const last = events.at(-1);
  return {
    events,
    nextCursor: rows.length > limit && last ? encodeAuditCursor(last.seq) : null,
  };
}
