import { isAppError, type TAuditAction } from '@alliage/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAuditEvent } from './audit-append-event.ts';
import { computeAuditHash, GENESIS_HASH, toAuditRowForHash } from './audit-compute-hash.ts';
import { toAuditEvent } from './audit-event.ts';
import { verifyAuditChain } from './audit-verify-chain.ts';
import { type ControlContext, cliActor } from './control-context.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

/** A clock that moves 1 ms per reading, so every event has its own time. */
function steppingClock(start = Date.parse('2026-03-01T10:00:00.000Z')): () => Date {
  let now = start;
  return () => new Date(now++);
}

describe.each(testControlDbKinds())('appendAuditEvent on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: steppingClock() };
  });
  afterAll(async () => {
    await control?.close();
  });
  // Each test starts from an empty chain: triggers refuse TRUNCATE, so lift them here.
  beforeEach(async () => {
    await control.db.transaction().execute(async (trx) => {
      await sql`ALTER TABLE audit_events DISABLE TRIGGER ALL`.execute(trx);
      await sql`TRUNCATE audit_events`.execute(trx);
      await sql`ALTER TABLE audit_events ENABLE TRIGGER ALL`.execute(trx);
    });
  });

  it('starts at seq 1 from the genesis hash and links each event to the previous', async () => {
    const first = await appendAuditEvent(ctx.db, ctx.clock, {
      action: 'platform.started',
      actor: 'system',
    });
    const second = await appendAuditEvent(ctx.db, ctx.clock, {
      action: 'organisation.created',
      actor: cliActor('alice'),
      objectType: 'organisation',
      objectId: 'org-1',
      organisationCode: 'M01',
      details: { kind: 'member' },
    });
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, actor: 'system', details: {} });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, actor: 'cli:alice' });
    expect(first.hash).toBe(computeAuditHash(GENESIS_HASH, toAuditRowForHash(first)));
  });

  it('hashes exactly what reads back from the database (jsonb key order, ms time, numbers)', async () => {
    const written = await appendAuditEvent(ctx.db, () => new Date('2026-03-01T10:00:00.987Z'), {
      action: 'file.received',
      actor: 'sftp:M01',
      instructionVersion: 7,
      details: {
        zeta: 1,
        alpha: { longerKey: [3, 2, 1], b: null, a: 'ünïcødé ✓', nested: { y: 0.1 + 0.2, x: -0 } },
        big: 1e21,
        tiny: 5e-324,
        longString: 'x'.repeat(5000),
        dropped: undefined,
        when: new Date('2026-01-02T03:04:05.006Z'),
        notANumber: Number.NaN,
      },
    });
    const row = await ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '=', written.seq)
      .executeTakeFirstOrThrow();
    const read = toAuditEvent(row);
    expect(read).toEqual(written);
    expect(read.details.when).toBe('2026-01-02T03:04:05.006Z');
    expect(read.details.notANumber).toBeNull();
    expect('dropped' in read.details).toBe(false);
    expect(computeAuditHash(read.prevHash, toAuditRowForHash(read))).toBe(read.hash);
    expect((await verifyAuditChain(ctx)).ok).toBe(true);
  });

  it('takes the time from the injected clock, not from SQL now()', async () => {
    const event = await appendAuditEvent(ctx.db, () => new Date('2001-02-03T04:05:06.789Z'), {
      action: 'platform.started',
      actor: 'system',
    });
    const row = await ctx.db
      .selectFrom('audit_events')
      .select('occurred_at')
      .where('seq', '=', event.seq)
      .executeTakeFirstOrThrow();
    expect(row.occurred_at.toISOString()).toBe('2001-02-03T04:05:06.789Z');
  });

  it('leaves no event when the transaction it belongs to throws, and the chain goes on', async () => {
    const before = await appendAuditEvent(ctx.db, ctx.clock, {
      action: 'platform.started',
      actor: 'system',
    });
    await expect(
      ctx.db.transaction().execute(async (trx) => {
        const event = await appendAuditEvent(trx, ctx.clock, {
          action: 'organisation.created',
          actor: 'system',
        });
        expect(event.seq).toBe(before.seq + 1);
        throw new Error('action failed after its event');
      }),
    ).rejects.toThrow('action failed after its event');
    const { rows } = await sql<{
      count: number;
    }>`SELECT count(*)::int AS count FROM audit_events`.execute(ctx.db);
    expect(rows[0]?.count).toBe(1);
    const after = await appendAuditEvent(ctx.db, ctx.clock, {
      action: 'key.added',
      actor: 'system',
    });
    expect(after).toMatchObject({ seq: before.seq + 1, prevHash: before.hash });
    expect(await verifyAuditChain(ctx)).toMatchObject({ ok: true, eventCount: 2, headSeq: 2 });
  });

  it('gives 20 concurrent appenders × 200 events a contiguous, unbroken chain', async () => {
    const appenders = 20;
    const perAppender = 200;
    const actions: TAuditAction[] = ['file.received', 'file.accepted', 'selection.counted'];
    await Promise.all(
      Array.from({ length: appenders }, async (_, appender) => {
        for (let index = 0; index < perAppender; index += 1) {
          await appendAuditEvent(ctx.db, ctx.clock, {
            action: actions[index % actions.length] as TAuditAction,
            actor: `worker:${appender}`,
            details: { appender, index },
          });
        }
      }),
    );
    const { rows } = await sql<{ count: number; min: number; max: number; actors: number }>`
      SELECT count(*)::int AS count, min(seq)::int AS min, max(seq)::int AS max,
             count(DISTINCT actor)::int AS actors
      FROM audit_events`.execute(ctx.db);
    expect(rows[0]).toEqual({ count: 4000, min: 1, max: 4000, actors: appenders });
    const result = await verifyAuditChain(ctx);
    expect(result).toMatchObject({ ok: true, eventCount: 4000, headSeq: 4000, firstBadSeq: null });
  });

  it('lets the application connection neither UPDATE, DELETE nor TRUNCATE events', async () => {
    await appendAuditEvent(ctx.db, ctx.clock, { action: 'platform.started', actor: 'system' });
    await expect(
      ctx.db
        .updateTable('audit_events')
        .set({ actor: 'someone else' })
        .where('seq', '=', 1)
        .execute(),
    ).rejects.toThrow(/UPDATE on audit_events is not allowed/);
    await expect(ctx.db.deleteFrom('audit_events').where('seq', '=', 1).execute()).rejects.toThrow(
      /DELETE on audit_events is not allowed/,
    );
    await expect(sql`TRUNCATE audit_events`.execute(ctx.db)).rejects.toThrow(
      /TRUNCATE on audit_events is not allowed/,
    );
    const row = await ctx.db.selectFrom('audit_events').select('actor').executeTakeFirstOrThrow();
    expect(row.actor).toBe('system');
  });

  it('refuses an unknown action, a bad instruction version and non-JSON details as internal errors', async () => {
    const attempts = [
      { action: 'file.eaten' as TAuditAction, actor: 'system' },
      { action: 'instruction.changed' as const, actor: 'system', instructionVersion: 1.5 },
      { action: 'audit.read' as const, actor: '' },
      { action: 'audit.read' as const, actor: 'system', details: { count: 10n } },
    ];
    for (const attempt of attempts) {
      const error = await appendAuditEvent(ctx.db, ctx.clock, attempt).catch((caught) => caught);
      // The event is the platform's, not the caller's: never a 400 naming audit fields.
      expect(isAppError(error) && error.code).toBe('internal');
    }
    const { rows } = await sql<{
      count: number;
    }>`SELECT count(*)::int AS count FROM audit_events`.execute(ctx.db);
    expect(rows[0]?.count).toBe(0);
  });
});
