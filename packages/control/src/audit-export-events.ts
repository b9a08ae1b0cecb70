import { parseInput } from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import { encodeAuditCursor } from './audit-cursor.ts';
import {
  auditExportHeader,
  formatAuditExportLine,
  type TAuditExportFormat,
  ZAuditExportFormat,
} from './audit-export-format.ts';
import { type TAuditFilter, type TAuditFilterInput, ZAuditFilter } from './audit-filter.ts';
import { listAuditEvents } from './audit-list-events.ts';
import type { ControlContext, TActor } from './control-context.ts';

/** Rows read per query while exporting: memory stays flat whatever the size of the chain. */
const EXPORT_PAGE_SIZE = 1000;

export interface TAuditExportOptions {
  format: TAuditExportFormat;
  /** The same filter as `listAuditEvents` (query-string shapes accepted); no `cursor`, no `limit`. */
  filter?: Omit<TAuditFilterInput, 'cursor' | 'limit'>;
  /** Recorded in `audit.read` (`export` by default). */
  via?: string;
}

/**
 * The audit events matching a filter as export text, chunk by chunk (header, then
 * one line per event, page after page): nothing holds the whole export in memory.
 * The export stops at the head the chain had when it was opened, so it is a
 * consistent snapshot even while events keep coming. Once the stream ends (or is
 * abandoned), `audit.read` records the filter, the format and how many events left.
 * Validation and the head read happen before the first chunk, so a bad filter fails
 * before anything is sent.
 *
 * @example
 * const chunks = await exportAuditEvents(ctx, actor, { format: 'jsonl', filter: { action: ['file.received'] } });
 * await pipeline(Readable.from(chunks), createWriteStream('audit.jsonl'));
 */
export async function exportAuditEvents(
  ctx: ControlContext,
  actor: TActor | string,
  options: TAuditExportOptions,
): Promise<AsyncGenerator<string, void, undefined>> {
  const format = parseInput(ZAuditExportFormat, options.format, 'format');
  const filter = parseInput(ZAuditFilter, { ...options.filter }, 'filter');
  delete filter.cursor;
  delete filter.limit;
  const head = await ctx.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  const headSeq = Number(head?.seq ?? 0);
  return streamExport(ctx, actor, { format, filter, headSeq, via: options.via ?? 'export' });
}

async function* streamExport(
  ctx: ControlContext,
  actor: TActor | string,
  run: { format: TAuditExportFormat; filter: TAuditFilter; headSeq: number; via: string },
): AsyncGenerator<string, void, undefined> {
  let eventCount = 0;
  let completed = false;
  try {
    yield auditExportHeader(run.format);
    let cursor: string | undefined;
    for (;;) {
      const page = await listAuditEvents(ctx, {
        ...run.filter,
        limit: EXPORT_PAGE_SIZE,
        ...(cursor === undefined ? {} : { cursor }),
      });
      const events = page.events.filter((event) => event.seq <= run.headSeq);
      if (events.length > 0) {
        eventCount += events.length;
        // One chunk per page: few writes, and a page is at most EXPORT_PAGE_SIZE lines.
        yield events.map((event) => formatAuditExportLine(event, run.format)).join('');
      }
      const last = page.events.at(-1);
      if (page.nextCursor === null || last === undefined || last.seq >= run.headSeq) break;
      cursor = encodeAuditCursor(last.seq);
    }
    completed = true;
  } finally {
    // Runs on success, on error and when the reader goes away: every export is recorded.
    await appendAuditEvent(ctx.db, ctx.clock, {
      action: 'audit.read',
      actor,
      details: {
        via: run.via,
        format: run.format,
        filter: run.filter,
        headSeq: run.headSeq,
        eventCount,
        completed,
      },
    });
  }
}
