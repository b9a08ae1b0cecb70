import { generatePgpKeyPair } from '@alliage/crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAuditEvent } from './audit-append-event.ts';
import { computeAuditHash, GENESIS_HASH, toAuditRowForHash } from './audit-compute-hash.ts';
import { createAuditCheckpoint } from './audit-create-checkpoint.ts';
import { toAuditEvent } from './audit-event.ts';
import { readAuditCheckpoint } from './audit-read-checkpoint.ts';
import { verifyAuditChain } from './audit-verify-chain.ts';
import type { ControlContext, TExecutor } from './control-context.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

/** What only a superuser can do: edit the table behind the triggers' back. */
async function withTriggersDisabled(
  db: TExecutor,
  tamper: (trx: TExecutor) => Promise<unknown>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`ALTER TABLE audit_events DISABLE TRIGGER ALL`.execute(trx);
    await tamper(trx);
    await sql`ALTER TABLE audit_events ENABLE TRIGGER ALL`.execute(trx);
  });
}

describe.each(testControlDbKinds())('verifyAuditChain on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let platformKey: Awaited<ReturnType<typeof generatePgpKeyPair>>;

  async function appendEvents(count: number): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      await appendAuditEvent(ctx.db, ctx.clock, {
        action: 'file.received',
        actor: 'sftp:M01',
        organisationCode: 'M01',
        details: { file: `f-${index}.csv.pgp`, bytes: 1000 + index },
      });
    }
  }

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    let now = Date.parse('2026-03-01T10:00:00.000Z');
    ctx = { db: control.db, clock: () => new Date(now++) };
    platformKey = await generatePgpKeyPair({
      name: 'Test Only platform',
      email: 'platform@example.invalid',
    });
  });
  afterAll(async () => {
    await control?.close();
  });
  beforeEach(async () => {
    await withTriggersDisabled(control.db, (trx) => sql`TRUNCATE audit_events`.execute(trx));
  });

  it('accepts an empty chain and an intact one, across batch boundaries', async () => {
    expect(await verifyAuditChain(ctx)).toEqual({
      ok: true,
      eventCount: 0,
      headSeq: 0,
      headHash: GENESIS_HASH,
      firstBadSeq: null,
      reason: null,
      checkpointSeq: null,
    });
    await appendEvents(25);
    const head = await ctx.db
      .selectFrom('audit_events')
      .select('hash')
      .where('seq', '=', 25)
      .executeTakeFirstOrThrow();
    for (const batchSize of [1, 7, 25, 1000]) {
      expect(await verifyAuditChain(ctx, { batchSize })).toEqual({
        ok: true,
        eventCount: 25,
        headSeq: 25,
        headHash: head.hash,
        firstBadSeq: null,
        reason: null,
        checkpointSeq: null,
      });
    }
  });

  it('names the seq whose details lost or gained one byte', async () => {
    await appendEvents(30);
    await withTriggersDisabled(ctx.db, (trx) =>
      sql`UPDATE audit_events SET details = jsonb_set(details, '{bytes}', '1018') WHERE seq = 17`.execute(
        trx,
      ),
    );
    expect(await verifyAuditChain(ctx, { batchSize: 10 })).toMatchObject({
      ok: false,
      eventCount: 30,
      headSeq: 30,
      firstBadSeq: 17,
      reason: expect.stringContaining('does not recompute'),
    });
  });

  it('names the seq whose actor was altered by one byte', async () => {
    await appendEvents(12);
    await withTriggersDisabled(ctx.db, (trx) =>
      sql`UPDATE audit_events SET actor = 'sftp:M02' WHERE seq = 5`.execute(trx),
    );
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: false, firstBadSeq: 5 });
  });

  it('names the row after a rewrite that rehashed the altered row but not its successor', async () => {
    await appendEvents(8);
    const row = await ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '=', 4)
      .executeTakeFirstOrThrow();
    const forged = { ...toAuditEvent(row), details: { ...row.details, bytes: 1 } };
    const forgedHash = computeAuditHash(forged.prevHash, toAuditRowForHash(forged));
    await withTriggersDisabled(ctx.db, (trx) =>
      trx
        .updateTable('audit_events')
        .set({ details: JSON.stringify(forged.details), hash: forgedHash })
        .where('seq', '=', 4)
        .execute(),
    );
    expect(await verifyAuditChain(ctx)).toMatchObject({
      ok: false,
      firstBadSeq: 5,
      reason: 'prev_hash does not match the previous hash',
    });
    await withTriggersDisabled(ctx.db, (trx) =>
      sql`UPDATE audit_events SET actor = 'cli:mallory' WHERE seq = 2`.execute(trx),
    );
    // The earlier damage is the one reported.
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  it('reports a row deleted from the middle as a gap at its seq', async () => {
    await appendEvents(10);
    await withTriggersDisabled(ctx.db, (trx) =>
      sql`DELETE FROM audit_events WHERE seq IN (6, 7)`.execute(trx),
    );
    expect(await verifyAuditChain(ctx, { batchSize: 3 })).toMatchObject({
      ok: false,
      eventCount: 8,
      firstBadSeq: 6,
      reason: 'gap in seq: 6..7 missing',
    });
  });

  it('misses deleted newest rows without a checkpoint, catches them with one', async () => {
    await appendEvents(10);
    const { checkpoint, signedText } = await createAuditCheckpoint(ctx, 'cli:alice', platformKey);
    expect(checkpoint.seq).toBe(10);
    await appendEvents(5); // seq 11 is audit.checkpointed, then 12..16
    const readBack = await readAuditCheckpoint(signedText, [platformKey.armoredPublicKey]);
    expect(readBack).toEqual(checkpoint);
    expect(await verifyAuditChain(ctx, { checkpoint: readBack })).toMatchObject({
      ok: true,
      headSeq: 16,
    });

    await withTriggersDisabled(ctx.db, (trx) =>
      sql`DELETE FROM audit_events WHERE seq > 8`.execute(trx),
    );
    // The truncated chain is still a valid chain on its own.
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true, eventCount: 8, headSeq: 8 });
    expect(await verifyAuditChain(ctx, { checkpoint: readBack })).toMatchObject({
      ok: false,
      eventCount: 8,
      headSeq: 8,
      firstBadSeq: 9,
      reason: expect.stringContaining('rows deleted after checkpoint'),
    });
  });

  it('catches a chain rebuilt after the checkpoint with the same seqs', async () => {
    await appendEvents(6);
    const { signedText } = await createAuditCheckpoint(ctx, 'cli:alice', platformKey);
    const checkpoint = await readAuditCheckpoint(signedText, [platformKey.armoredPublicKey]);
    await withTriggersDisabled(ctx.db, (trx) =>
      sql`DELETE FROM audit_events WHERE seq >= 3`.execute(trx),
    );
    await appendEvents(10); // a fresh, self-consistent tail over seq 3..12
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true, headSeq: 12 });
    expect(await verifyAuditChain(ctx, { checkpoint })).toMatchObject({
      ok: false,
      firstBadSeq: 6,
      reason: 'checkpoint hash mismatch',
    });
  });

  it('checkpoints an empty chain at seq 0 with the genesis hash', async () => {
    const { checkpoint } = await createAuditCheckpoint(ctx, 'system', platformKey);
    expect(checkpoint).toMatchObject({ seq: 0, hash: GENESIS_HASH });
    expect(await verifyAuditChain(ctx, { checkpoint })).toMatchObject({ ok: true, headSeq: 1 });
    expect(
      await verifyAuditChain(ctx, { checkpoint: { ...checkpoint, hash: 'c'.repeat(64) } }),
    ).toMatchObject({ ok: false, firstBadSeq: 0, reason: 'checkpoint hash mismatch' });
  });
});
