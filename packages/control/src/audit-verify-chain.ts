import type { TCheckpoint } from './audit-checkpoint.ts';
import { computeAuditHash, GENESIS_HASH, toAuditRowForHash } from './audit-compute-hash.ts';
import { type TAuditEvent, toAuditEvent } from './audit-event.ts';
import type { ControlContext } from './control-context.ts';

/** Rows read per query while walking the chain. */
const VERIFY_BATCH_SIZE = 1000;

/** The outcome of walking the audit chain. */
export interface TChainVerification {
  ok: boolean;
  /** Rows present in the table. */
  eventCount: number;
  /** Seq and hash of the newest row (0 and the genesis hash when empty). */
  headSeq: number;
  headHash: string;
  /**
   * The first seq at which the chain (or the checkpoint) no longer holds; 0 when a
   * checkpoint of the empty chain does not carry the genesis hash.
   */
  firstBadSeq: number | null;
  reason: string | null;
  /**
   * Seq of the checkpoint verified against (null without one): the rows up to it are
   * proven to be the ones signed; those after it only hold together as a chain.
   */
  checkpointSeq: number | null;
}

export interface VerifyAuditChainOptions {
  /** A checkpoint read back with `readAuditCheckpoint`: catches deleted newest rows. */
  checkpoint?: TCheckpoint;
  /** Rows per query (tests use small batches to cross batch boundaries). */
  batchSize?: number;
}

/**
 * Walks the whole audit chain in seq order, batch by batch, and reports the first
 * gap in seq, broken link or hash that does not recompute; with a checkpoint, also
 * whether the row it names is still there with the same hash.
 *
 * @example
 * const result = await verifyAuditChain(ctx, { checkpoint });
 * if (!result.ok) console.error(`audit chain broken at ${result.firstBadSeq}: ${result.reason}`);
 */
export async function verifyAuditChain(
  ctx: ControlContext,
  options: VerifyAuditChainOptions = {},
): Promise<TChainVerification> {
  const batchSize = options.batchSize ?? VERIFY_BATCH_SIZE;
  const checkpoint = options.checkpoint;
  let eventCount = 0;
  let previous = { seq: 0, hash: GENESIS_HASH };
  let firstBad: { seq: number; reason: string } | null = null;
  // Hash found at checkpoint.seq; seq 0 is the genesis position, always "present".
  let checkpointRowHash: string | null = checkpoint?.seq === 0 ? GENESIS_HASH : null;

  for (;;) {
    // Keyset paging: constant cost per batch, never the whole table in memory.
    const rows = await ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', previous.seq)
      .orderBy('seq', 'asc')
      .limit(batchSize)
      .execute();
    for (const row of rows) {
      const event = toAuditEvent(row);
      eventCount += 1;
      if (firstBad === null) firstBad = checkLink(previous, event);
      if (checkpoint && event.seq === checkpoint.seq) checkpointRowHash = event.hash;
      previous = { seq: event.seq, hash: event.hash };
    }
    if (rows.length < batchSize) break;
  }

  // A chain error comes first: it is at or before anything the checkpoint can show.
  if (firstBad === null && checkpoint) {
    if (previous.seq < checkpoint.seq) {
      firstBad = {
        seq: previous.seq + 1,
        reason: `rows deleted after checkpoint: checkpoint names seq ${checkpoint.seq}, chain ends at ${previous.seq}`,
      };
    } else if (checkpointRowHash !== checkpoint.hash) {
      // The chain is self-consistent yet differs from what was signed: rewritten
      // up to here at least; which row first cannot be told.
      firstBad = { seq: checkpoint.seq, reason: 'checkpoint hash mismatch' };
    }
  }
  return {
    ok: firstBad === null,
    eventCount,
    headSeq: previous.seq,
    headHash: previous.hash,
    firstBadSeq: firstBad?.seq ?? null,
    reason: firstBad?.reason ?? null,
    checkpointSeq: checkpoint?.seq ?? null,
  };
}

/** What is wrong with `event` following `previous`, or null. */
function checkLink(
  previous: { seq: number; hash: string },
  event: TAuditEvent,
): { seq: number; reason: string } | null {
  if (event.seq !== previous.seq + 1) {
    const missing =
      event.seq - 1 > previous.seq + 1
        ? `${previous.seq + 1}..${event.seq - 1}`
        : `${previous.seq + 1}`;
    return { seq: previous.seq + 1, reason: `gap in seq: ${missing} missing` };
  }
  if (event.prevHash !== previous.hash) {
    return { seq: event.seq, reason: 'prev_hash does not match the previous hash' };
  }
  if (computeAuditHash(event.prevHash, toAuditRowForHash(event)) !== event.hash) {
    return { seq: event.seq, reason: 'hash does not recompute (row altered)' };
  }
  return null;
}
