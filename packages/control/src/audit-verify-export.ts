import { z } from 'zod';
import type { TCheckpoint } from './audit-checkpoint.ts';
import { computeAuditHash, GENESIS_HASH, type TAuditRowForHash } from './audit-compute-hash.ts';

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
  /** Seq the checkpoint names, once the export was found to hold it with the signed hash. */
  checkpointSeq: number | null;
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
 * genesis hash. With a checkpoint (read with `readAuditCheckpoint` and the platform
 * public key), the export must hold the checkpoint's seq with the signed hash: then
 * every event up to it is the platform's, untouched.
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
    const event = parseLine(line);
    if (event === null) {
      bad = { seq: null, line: lineNumber, reason: `line ${lineNumber} is not an audit event` };
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
  return {
    ok: bad === null,
    eventCount,
    firstSeq: first?.seq ?? null,
    lastSeq: previous?.seq ?? null,
    lastHash: previous?.hash ?? null,
    startsAtGenesis: first?.seq === 1,
    checkpointSeq: checkpointFound && checkpoint ? checkpoint.seq : null,
    firstBadSeq: bad?.seq ?? null,
    firstBadLine: bad?.line ?? null,
    reason: bad?.reason ?? null,
  };
}

type TExportedAuditEvent = z.infer<typeof ZExportedAuditEvent>;

function parseLine(line: string): TExportedAuditEvent | null {
  try {
    const parsed = ZExportedAuditEvent.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
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
