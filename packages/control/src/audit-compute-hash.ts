import { createHash } from 'node:crypto';
import { canonicalJson } from '@alliage/domain';
import type { TAuditEvent } from './audit-event.ts';

/** The `prev_hash` of the first event: there is nothing before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** Every column of an audit event except `hash`, as the hash covers them. */
export interface TAuditRowForHash {
  seq: number;
  /** ISO 8601 with milliseconds (`Date#toISOString`), what timestamptz gives back. */
  occurredAt: string;
  actor: string;
  /** Plain string: a tampered row may hold a name outside ZAuditAction and must still hash. */
  action: string;
  objectType: string | null;
  objectId: string | null;
  organisationCode: string | null;
  instructionVersion: number | null;
  details: Record<string, unknown>;
  prevHash: string;
}

/**
 * SHA-256 (hex) over `prevHash`, a newline and the canonical JSON of the row, so
 * the key order jsonb gives back does not matter.
 *
 * @example
 * const hash = computeAuditHash(GENESIS_HASH, toAuditRowForHash(event));
 */
export function computeAuditHash(prevHash: string, row: TAuditRowForHash): string {
  // The row carries prev_hash too (every column is covered); two differing values
  // would make a hash nobody can recompute from the stored row.
  if (row.prevHash !== prevHash) {
    throw new TypeError('computeAuditHash: prevHash differs from row.prevHash');
  }
  return createHash('sha256')
    .update(`${prevHash}\n${canonicalJson(row)}`, 'utf8')
    .digest('hex');
}

/** The hashed form of a stored or about-to-be-stored event. */
export function toAuditRowForHash(event: Omit<TAuditEvent, 'hash'>): TAuditRowForHash {
  return {
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
  };
}
