import { formatCsvCell } from '@alliage/domain';
import { z } from 'zod';
import { toAuditRowForHash } from './audit-compute-hash.ts';
import type { TAuditEvent } from './audit-event.ts';

/** `csv` for people and spreadsheets; `jsonl` keeps every hashed field exactly, for offline verification. */
export const ZAuditExportFormat = z.enum(['csv', 'jsonl']);
export type TAuditExportFormat = z.infer<typeof ZAuditExportFormat>;

/** Columns of the CSV export, in order: every column of `audit_events`. */
export const AUDIT_CSV_COLUMNS = [
  'seq',
  'occurred_at',
  'actor',
  'action',
  'object_type',
  'object_id',
  'organisation_code',
  'instruction_version',
  'details',
  'prev_hash',
  'hash',
] as const;

/** Content type of each export format. */
export const AUDIT_EXPORT_CONTENT_TYPES: Record<TAuditExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/jsonl; charset=utf-8',
};

/** What comes before the first event: the header line for CSV, nothing for JSONL. */
export function auditExportHeader(format: TAuditExportFormat): string {
  return format === 'csv' ? `${AUDIT_CSV_COLUMNS.join(',')}\r\n` : '';
}

/**
 * One event as a line of the export, line ending included. A JSONL line holds every
 * field the hash covers, as stored (`occurredAt` in ISO 8601 with milliseconds), so
 * `verifyAuditExport` recomputes the chain from it; CSV cells that a spreadsheet
 * would run as a formula get a leading `'` (CSV is for reading, JSONL for proof).
 *
 * @example
 * const line = formatAuditExportLine(event, 'jsonl'); // '{"seq":1,"occurredAt":"2026-…"}\n'
 */
export function formatAuditExportLine(event: TAuditEvent, format: TAuditExportFormat): string {
  if (format === 'jsonl') {
    // Exactly the fields the hash covers (same order), then the hash.
    return `${JSON.stringify({ ...toAuditRowForHash(event), hash: event.hash })}\n`;
  }
  const cells = [
    String(event.seq),
    event.occurredAt.toISOString(),
    event.actor,
    event.action,
    event.objectType ?? '',
    event.objectId ?? '',
    event.organisationCode ?? '',
    event.instructionVersion === null ? '' : String(event.instructionVersion),
    JSON.stringify(event.details),
    event.prevHash,
    event.hash,
  ];
  return `${cells.map(formatCsvCell).join(',')}\r\n`;
}
