import { AppError } from '@alliage/domain';
import { z } from 'zod';

/**
 * The opaque cursor of a page of audit events: the seq it ends at. Opaque so
 * callers do not build their own, which keeps the encoding free to change.
 *
 * @example
 * const nextCursor = encodeAuditCursor(lastEvent.seq);
 */
export function encodeAuditCursor(afterSeq: number): string {
  return Buffer.from(`seq:${afterSeq}`, 'utf8').toString('base64url');
}

/** The seq of a cursor made by `encodeAuditCursor`, or null for anything else. */
function readAuditCursor(cursor: string): number | null {
  const match = /^seq:(0|[1-9][0-9]{0,15})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  const afterSeq = match ? Number(match[1]) : Number.NaN;
  return Number.isSafeInteger(afterSeq) ? afterSeq : null;
}

/**
 * A cursor as a caller sends it back, checked where it comes in (an HTTP query, a
 * filter): one `encodeAuditCursor` made, whose seq is in range.
 */
export const ZAuditCursor = z
  .string()
  .min(1)
  .max(200)
  .refine((cursor) => readAuditCursor(cursor) !== null, 'not a cursor returned by this API');

/** The seq a cursor made by `encodeAuditCursor` ends at; validation_failed otherwise. */
export function decodeAuditCursor(cursor: string): number {
  const afterSeq = readAuditCursor(cursor);
  if (afterSeq === null) {
    throw new AppError('validation_failed', 'invalid cursor', {
      fields: [{ path: 'cursor', message: 'not a cursor returned by this API' }],
    });
  }
  return afterSeq;
}
