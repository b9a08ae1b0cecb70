import { describe, expect, it } from 'vitest';
import type { TCheckpoint } from './audit-checkpoint.ts';
import { computeAuditHash, GENESIS_HASH, toAuditRowForHash } from './audit-compute-hash.ts';
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
});
