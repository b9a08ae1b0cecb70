import type { TAuditAction } from '@alliage/domain';
import { z } from 'zod';
import type { TCheckpoint } from './audit-checkpoint.ts';
import { computeAuditHash, GENESIS_HASH, type TAuditRowForHash } from './audit-compute-hash.ts';
import { formatAuditExportLine } from './audit-export-format.ts';

const ZHash = z.string().regex(/^[0-9a-f]{64}$/);
const ZText = z.string().nullable();

/** One line of a JSONL audit export, as `formatAuditExportLine` writes it. */
const ZExportedAuditEvent = z.strictObject({
  seq: z.number().int().min(1),
  occurredAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
  actor: z.string(),
  action: z.string(),
  objectType: ZText,
  objectId: ZText,
  organisationCode: ZText,
  instructionVersion: z.number().int().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: ZHash,
  hash: ZHash,
});

/** The outcome of checking a JSONL export without the database. */
export interface TAuditExportVerification {
  ok: boolean;
  eventCount: number;
  firstSeq: number | null;
  lastSeq: number | null;
  lastHash: string | null;
  /** The export starts at seq 1, so its first link is checked against the genesis hash. */
  startsAtGenesis: boolean;
  /** The export's first event links to the checkpoint's hash (the checkpoint names the event before it). */
  startsAtCheckpoint: boolean;
  /** Seq the checkpoint names, once the export was found to hold it (or link to it) with the signed hash. */
  checkpointSeq: number | null;
  /**
   * Last seq of the export that the checkpoint proves to be the platform's, unaltered
   * (null: none). Events after it are only consistent with it: whoever can write the
   * database could have rewritten or removed them since the checkpoint was taken.
   */
  provenThroughSeq: number | null;
  /** How many events of the export the checkpoint proves (from its first seq to `provenThroughSeq`). */
  provenEventCount: number;
  /** Seq at which the export stops verifying (for a line that is not an event: null). */
  firstBadSeq: number | null;
  /** 1-based line number of the problem. */
  firstBadLine: number | null;
  reason: string | null;
}

/** Why a filtered export cannot be checked, said wherever seq numbers jump. */
export const NOT_CONTIGUOUS_HINT =
  'seq numbers have gaps: a filtered export is not a contiguous chain; verify an unfiltered export (or a contiguous range of seq)';

/**
 * Recomputes the hash chain over the lines of a JSONL audit export, exactly as the
 * platform does (`computeAuditHash`), with no database: every hash must recompute,
 * every `prevHash` must be the previous line's hash, seq must not jump (a filtered
 * export fails, saying so), and an export starting at seq 1 must start from the
 * genesis hash, and each line must be exactly what the platform writes (no duplicate
 * key a reader would see instead of the verified one). With a checkpoint (read with
 * `readAuditCheckpoint` and the platform public key), the export must hold the
 * checkpoint's seq with the signed hash: then the exported events up to it are the
 * platform's, untouched (`provenThroughSeq`); the ones after it are only consistent.
 *
 * @example
 * const lines = createInterface({ input: createReadStream('audit.jsonl'), crlfDelay: Infinity });
 * const result = await verifyAuditExport(lines, { checkpoint });
 */
export async function verifyAuditExport(
  lines: AsyncIterable<string> | Iterable<string>,
  options: { checkpoint?: TCheckpoint } = {},
): Promise<TAuditExportVerification> {
  const checkpoint = options.checkpoint;
  let eventCount = 0;
  let first: { seq: number; prevHash: string } | null = null;
  let previous: { seq: number; hash: string } | null = null;
  let checkpointFound = false;
  let bad: { seq: number | null; line: number; reason: string } | null = null;
  let lineNumber = 0;

  for await (const line of lines) {
    lineNumber += 1;
    if (bad !== null) break;
    if (line.trim() === '') continue;
    const parsed = parseLine(line);
    if (parsed === null) {
      bad = { seq: null, line: lineNumber, reason: `line ${lineNumber} is not an audit event` };
      break;
    }
    const { event, asWritten } = parsed;
    if (!asWritten) {
      bad = {
        seq: event.seq,
        line: lineNumber,
        reason: `line ${lineNumber} is not written as the platform writes it (a duplicate key, another order or spacing): what it shows may not be what verifies`,
      };
      break;
    }
    eventCount += 1;
    first ??= { seq: event.seq, prevHash: event.prevHash };
    const problem = checkLink(previous, event);
    if (problem !== null) {
      bad = { seq: event.seq, line: lineNumber, reason: problem };
      break;
    }
    if (checkpoint !== undefined) {
      // The checkpoint may name the event just before the export (or seq 0, the genesis).
      const named =
        (event.seq === checkpoint.seq && event.hash) ||
        (previous === null && event.seq === checkpoint.seq + 1 && event.prevHash);
      if (named) {
        if (named !== checkpoint.hash) {
          bad = { seq: checkpoint.seq, line: lineNumber, reason: 'checkpoint hash mismatch' };
          break;
        }
        checkpointFound = true;
      }
    }
    previous = { seq: event.seq, hash: event.hash };
  }

  if (bad === null && checkpoint !== undefined && !checkpointFound) {
    const reason =
      previous === null
        ? checkpoint.seq === 0 && checkpoint.hash === GENESIS_HASH
          ? null
          : `the export is empty; the checkpoint names seq ${checkpoint.seq}`
        : checkpoint.seq > previous.seq
          ? `the export ends at seq ${previous.seq}, before the checkpoint's seq ${checkpoint.seq}: events were removed, or the export is older than the checkpoint`
          : `the checkpoint's seq ${checkpoint.seq} is before the export's first seq ${first?.seq}: export a range that includes it`;
    if (reason !== null) bad = { seq: checkpoint.seq, line: lineNumber, reason };
    else checkpointFound = true;
  }
  const checkpointSeq = checkpointFound && checkpoint ? checkpoint.seq : null;
  // Only the events from the export's first to the checkpoint's seq hash into the
  // signed value; a checkpoint naming the event before the export proves none of it.
  const proven =
    bad === null && checkpointSeq !== null && first !== null && checkpointSeq >= first.seq;
  return {
    ok: bad === null,
    eventCount,
    firstSeq: first?.seq ?? null,
    lastSeq: previous?.seq ?? null,
    lastHash: previous?.hash ?? null,
    startsAtGenesis: first?.seq === 1,
    startsAtCheckpoint: checkpointSeq !== null && first !== null && checkpointSeq === first.seq - 1,
    checkpointSeq,
    provenThroughSeq: proven ? checkpointSeq : null,
    provenEventCount: proven && first !== null ? checkpointSeq - first.seq + 1 : 0,
    firstBadSeq: bad?.seq ?? null,
    firstBadLine: bad?.line ?? null,
    reason: bad?.reason ?? null,
  };
}

type TExportedAuditEvent = z.infer<typeof ZExportedAuditEvent>;

/** The event on a line, and whether the line is byte for byte what `formatAuditExportLine` writes. */
function parseLine(line: string): { event: TExportedAuditEvent; asWritten: boolean } | null {
  // The line ending is not content: a CRLF copy of the export still verifies.
  const content = line.endsWith('\r') ? line.slice(0, -1) : line;
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    return null;
  }
  const parsed = ZExportedAuditEvent.safeParse(raw);
  if (!parsed.success) return null;
  // JSON.parse keeps the last of two equal keys where a reader, or another parser,
  // may take the first: writing what was parsed again (details as parsed, not as
  // zod copied them) must give the line back, or the line shows what did not verify.
  const occurredAt = new Date(parsed.data.occurredAt);
  const details = (raw as { details: Record<string, unknown> }).details;
  const rewritten = Number.isNaN(occurredAt.getTime())
    ? null
    : formatAuditExportLine(
        // The action is only written back, never trusted: any name an export holds will do.
        { ...parsed.data, action: parsed.data.action as TAuditAction, occurredAt, details },
        'jsonl',
      ).trimEnd();
  // An own `__proto__` key survives JSON.parse but not zod (nor a rewrite through an
  // object): what it holds would show in the line without being hashed. The platform
  // never writes one (appendAuditEvent parses details through zod too).
  return { event: parsed.data, asWritten: rewritten === content && !holdsProtoKey(raw) };
}

/** Whether `value` holds an own `__proto__` key at any depth (as JSON.parse can make). */
function holdsProtoKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsProtoKey);
  if (value === null || typeof value !== 'object') return false;
  if (Object.hasOwn(value, '__proto__')) return true;
  return Object.values(value).some(holdsProtoKey);
}

/** What is wrong with `event` following `previous` (null: it is the first line), or null. */
function checkLink(
  previous: { seq: number; hash: string } | null,
  event: TExportedAuditEvent,
): string | null {
  if (previous === null) {
    if (event.seq === 1 && event.prevHash !== GENESIS_HASH) {
      return 'seq 1 does not start from the genesis hash';
    }
  } else if (event.seq !== previous.seq + 1) {
    return `${NOT_CONTIGUOUS_HINT} (after seq ${previous.seq} comes ${event.seq})`;
  } else if (event.prevHash !== previous.hash) {
    return 'prevHash does not match the previous hash';
  }
  const { hash, ...row } = event;
  const forHash: TAuditRowForHash = row;
  if (computeAuditHash(event.prevHash, forHash) !== hash) {
    return 'hash does not recompute (event altered)';
  }
  return null;
}
