import { z } from 'zod';
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

// OWASP "CSV injection": a spreadsheet reads a cell starting with one of these as a formula.
const FORMULA_TRIGGERS: ReadonlySet<string> = new Set(['=', '+', '-', '@', '\t', '\r']);

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
    return `${JSON.stringify({
      seq: event.seq,
      occurredAt: event.occurredAt.toISOString(),
      actor: event.actor,
      action: event.action,
      objectType: event.objectType,
      objectId: event.objectId,
      organisationCode: event.organisationCode,
      instructionVersion: event.instructionVersion,
      details: event.details,
      prevHash: event.prevHash,
      hash: event.hash,
    })}\n`;
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
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** RFC 4180 quoting, after neutralising formula triggers. */
function csvCell(value: string): string {
  const safe = FORMULA_TRIGGERS.has(value.charAt(0)) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
