import { describe, expect, it } from 'vitest';
import type { TCheckpoint } from './audit-checkpoint.ts';
import { computeAuditHash, GENESIS_HASH, toAuditRowForHash } from './audit-compute-hash.ts';
import { describeAuditExportVerification } from './audit-describe-export-verification.ts';
import type { TAuditEvent } from './audit-event.ts';
import { formatAuditExportLine } from './audit-export-format.ts';
import { NOT_CONTIGUOUS_HINT, verifyAuditExport } from './audit-verify-export.ts';

/** A chain of `count` events built with the platform's own hash. */
function buildChain(count: number): TAuditEvent[] {
  const events: TAuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const unhashed: Omit<TAuditEvent, 'hash'> = {
      seq,
      occurredAt: new Date(Date.UTC(2026, 5, 1, 8, 0, seq)),
      actor: 'sftp:M01',
      action: 'file.received',
      objectType: 'file_drop',
      objectId: `drop-${seq}`,
      organisationCode: seq % 2 === 0 ? 'M02' : 'M01',
      instructionVersion: seq % 3 === 0 ? 1 : null,
      details: { bytes: seq * 10, nested: { b: 1, a: [seq] } },
      prevHash,
    };
    const hash = computeAuditHash(prevHash, toAuditRowForHash(unhashed));
    events.push({ ...unhashed, hash });
    prevHash = hash;
  }
  return events;
}

const chain = buildChain(20);
const jsonl = (events: TAuditEvent[]) =>
  events.map((event) => formatAuditExportLine(event, 'jsonl').trimEnd());

/** The events from `from` on rewritten (actor changed) with their hashes recomputed, as a database admin could. */
function rewriteFrom(events: TAuditEvent[], from: number): TAuditEvent[] {
  const rewritten: TAuditEvent[] = [];
  let prevHash = events[from - 2]?.hash ?? GENESIS_HASH;
  for (const event of events) {
    if (event.seq < from) {
      rewritten.push(event);
      continue;
    }
    const unhashed = { ...event, actor: 'cli:someone-else', prevHash };
    const hash = computeAuditHash(prevHash, toAuditRowForHash(unhashed));
    rewritten.push({ ...unhashed, hash });
    prevHash = hash;
  }
  return rewritten;
}

function checkpointAt(seq: number, hash: string): TCheckpoint {
  return { seq, hash, createdAt: '2026-06-02T00:00:00.000Z', platformFingerprint: 'A'.repeat(40) };
}

describe('verifyAuditExport', () => {
  it('accepts a whole chain and a contiguous range (which cannot reach the genesis)', async () => {
    expect(await verifyAuditExport(jsonl(chain))).toMatchObject({
      ok: true,
      eventCount: 20,
      firstSeq: 1,
      lastSeq: 20,
      lastHash: chain[19]?.hash,
      startsAtGenesis: true,
    });
    expect(await verifyAuditExport(jsonl(chain.slice(5, 12)))).toMatchObject({
      ok: true,
      firstSeq: 6,
      lastSeq: 12,
      startsAtGenesis: false,
    });
    expect(await verifyAuditExport([])).toMatchObject({ ok: true, eventCount: 0 });
  });

  it('names the first altered, relinked or unreadable line', async () => {
    const altered = jsonl(chain);
    altered[6] = altered[6]?.replace('"bytes":70', '"bytes":71') ?? '';
    expect(await verifyAuditExport(altered)).toMatchObject({
      ok: false,
      firstBadSeq: 7,
      firstBadLine: 7,
      reason: 'hash does not recompute (event altered)',
    });
    const relinked = jsonl(chain);
    relinked[3] = relinked[3]?.replace(chain[2]?.hash ?? '', '0'.repeat(64)) ?? '';
    expect(await verifyAuditExport(relinked)).toMatchObject({ ok: false, firstBadSeq: 4 });
    expect(await verifyAuditExport([...jsonl(chain.slice(0, 2)), 'not json'])).toMatchObject({
      ok: false,
      firstBadLine: 3,
      reason: 'line 3 is not an audit event',
    });
    const forged = { ...chain[0], prevHash: 'f'.repeat(64) } as TAuditEvent;
    forged.hash = computeAuditHash(forged.prevHash, toAuditRowForHash(forged));
    expect(await verifyAuditExport(jsonl([forged]))).toMatchObject({
      ok: false,
      reason: 'seq 1 does not start from the genesis hash',
    });
  });

  it('says a filtered export (seq gaps) cannot be verified', async () => {
    const filtered = chain.filter((event) => event.organisationCode === 'M01');
    const result = await verifyAuditExport(jsonl(filtered));
    expect(result).toMatchObject({ ok: false, firstBadSeq: 3 });
    expect(result.reason).toContain(NOT_CONTIGUOUS_HINT);
    expect(result.reason).toContain('unfiltered export');
  });

  it('checks the checkpoint: held with the signed hash, inside the range', async () => {
    const at = (seq: number) => chain[seq - 1]?.hash ?? '';
    expect(
      await verifyAuditExport(jsonl(chain), { checkpoint: checkpointAt(12, at(12)) }),
    ).toMatchObject({
      ok: true,
      checkpointSeq: 12,
    });
    // The event just before a range, and the genesis before seq 1.
    expect(
      await verifyAuditExport(jsonl(chain.slice(12)), { checkpoint: checkpointAt(12, at(12)) }),
    ).toMatchObject({ ok: true, checkpointSeq: 12 });
    expect(
      await verifyAuditExport(jsonl(chain), { checkpoint: checkpointAt(0, GENESIS_HASH) }),
    ).toMatchObject({ ok: true, checkpointSeq: 0 });
    expect(
      await verifyAuditExport(jsonl(chain), { checkpoint: checkpointAt(12, at(11)) }),
    ).toMatchObject({ ok: false, firstBadSeq: 12, reason: 'checkpoint hash mismatch' });
    expect(
      await verifyAuditExport(jsonl(chain.slice(0, 10)), { checkpoint: checkpointAt(12, at(12)) }),
    ).toMatchObject({ ok: false, reason: expect.stringContaining('before the checkpoint') });
    expect(
      await verifyAuditExport(jsonl(chain.slice(14)), { checkpoint: checkpointAt(12, at(12)) }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringContaining('export a range that includes it'),
    });
  });

  it('proves only the events up to the checkpoint, and says the later ones are not proven', async () => {
    const at = (seq: number) => chain[seq - 1]?.hash ?? '';
    // seq 13..20 rewritten after the checkpoint at 12 was taken: consistent, not the platform's.
    const rewritten = rewriteFrom(chain, 13);
    const result = await verifyAuditExport(jsonl(rewritten), {
      checkpoint: checkpointAt(12, at(12)),
    });
    expect(result).toMatchObject({
      ok: true,
      checkpointSeq: 12,
      provenThroughSeq: 12,
      provenEventCount: 12,
      eventCount: 20,
    });
    const text = describeAuditExportVerification(result);
    expect(text).toContain('seq 1..12 (12 events): the platform’s, unaltered');
    expect(text).toContain('seq 13..20 (8 events)');
    expect(text).toContain('NOT proven');
    expect(text).not.toMatch(/^audit export (OK|VERIFIED):/);

    // Every event up to the checkpoint: the whole export is proven.
    const whole = await verifyAuditExport(jsonl(chain), { checkpoint: checkpointAt(20, at(20)) });
    expect(whole).toMatchObject({ provenThroughSeq: 20, provenEventCount: 20 });
    expect(describeAuditExportVerification(whole)).toMatch(
      /^audit export VERIFIED: 20 events, seq 1\.\.20, from the genesis/,
    );
  });

  it('proves none of a range that starts after the checkpoint, only its link to it', async () => {
    const at = (seq: number) => chain[seq - 1]?.hash ?? '';
    const after = rewriteFrom(chain, 14).slice(12);
    const result = await verifyAuditExport(jsonl(after), { checkpoint: checkpointAt(12, at(12)) });
    expect(result).toMatchObject({
      ok: true,
      checkpointSeq: 12,
      provenThroughSeq: null,
      provenEventCount: 0,
      startsAtCheckpoint: true,
    });
    const text = describeAuditExportVerification(result);
    expect(text).toContain('seq 13..20 (8 events)');
    expect(text).toContain('NOT proven');
    expect(text).not.toContain('not checked');
  });

  it('says an export without a checkpoint is only consistent', async () => {
    const text = describeAuditExportVerification(await verifyAuditExport(jsonl(chain)));
    expect(text).toMatch(/^audit export CONSISTENT, NOT VERIFIED:/);
    expect(text).toContain('NOT proven');
  });

  it('refuses a line that reads otherwise than it verifies (duplicate key, other layout)', async () => {
    const at = (seq: number) => chain[seq - 1]?.hash ?? '';
    const doubled = jsonl(chain);
    // JSON.parse keeps the last "actor"; a reader (or grep) sees the first.
    doubled[2] = doubled[2]?.replace('"actor":', '"actor":"cli:someone-else","actor":') ?? '';
    expect(
      await verifyAuditExport(doubled, { checkpoint: checkpointAt(20, at(20)) }),
    ).toMatchObject({
      ok: false,
      firstBadSeq: 3,
      firstBadLine: 3,
      reason: expect.stringContaining('not written as the platform writes it'),
    });
    const nested = jsonl(chain);
    nested[4] = nested[4]?.replace('"bytes":50', '"bytes":99,"bytes":50') ?? '';
    expect(await verifyAuditExport(nested)).toMatchObject({ ok: false, firstBadSeq: 5 });
    // Line endings are not content: CRLF lines still verify.
    expect(await verifyAuditExport(jsonl(chain).map((line) => `${line}\r`))).toMatchObject({
      ok: true,
    });
  });

  it('refuses a __proto__ key, which a reader sees but the hash never covered', async () => {
    const at = (seq: number) => chain[seq - 1]?.hash ?? '';
    for (const [where, injected] of [
      ['"details":{', '"details":{"__proto__":{"authorisedBy":"DPO ticket 42"},'],
      ['"nested":{', '"nested":{"__proto__":{"rows":0},'],
    ] as const) {
      const lines = jsonl(chain);
      lines[2] = lines[2]?.replace(where, injected) ?? '';
      expect(lines[2]).toContain('__proto__');
      expect(
        await verifyAuditExport(lines, { checkpoint: checkpointAt(20, at(20)) }),
      ).toMatchObject({
        ok: false,
        firstBadSeq: 3,
        reason: expect.stringContaining('not written as the platform writes it'),
      });
    }
  });
});
