import { generatePgpKeyPair } from '@alliage/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvent } from './audit-append-event.ts';
import { createAuditCheckpoint } from './audit-create-checkpoint.ts';
import { exportAuditEvents } from './audit-export-events.ts';
import { AUDIT_CSV_COLUMNS } from './audit-export-format.ts';
import { listLatestAuditEvents } from './audit-list-latest-events.ts';
import { readAuditCheckpoint } from './audit-read-checkpoint.ts';
import { verifyAuditExport } from './audit-verify-export.ts';
import { type ControlContext, cliActor } from './control-context.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

const EVENT_COUNT = 5000;

/** Every chunk of an export, and the text they make. */
async function collect(chunks: AsyncIterable<string>): Promise<{ count: number; text: string }> {
  let count = 0;
  let text = '';
  for await (const chunk of chunks) {
    count += 1;
    text += chunk;
  }
  return { count, text };
}

/** Lines of a CSV export, split on the record separator (no field of this test holds one). */
function csvRecords(text: string): string[] {
  return text.split('\r\n').filter((line) => line !== '');
}

describe.each(testControlDbKinds())('exportAuditEvents on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  const auditor = cliActor('auditor');

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    let now = Date.parse('2026-06-01T08:00:00.000Z');
    ctx = {
      db: control.db,
      clock: () => {
        now += 1000;
        return new Date(now);
      },
    };
    // One transaction: 5,000 appends stay quick, the chain is the same.
    await ctx.db.transaction().execute(async (trx) => {
      for (let index = 0; index < EVENT_COUNT; index += 1) {
        await appendAuditEvent(trx, ctx.clock, {
          action: index % 2 === 0 ? 'file.received' : 'file.accepted',
          actor: index % 3 === 0 ? 'sftp:M02' : 'sftp:M01',
          objectType: 'file_drop',
          objectId: index === 9 ? '=drop-9' : `drop-${index}`,
          organisationCode: index % 3 === 0 ? 'M02' : 'M01',
          instructionVersion: index % 5 === 0 ? 2 : null,
          details: { bytes: 1000 + index, note: index === 7 ? '=cmd, "quoted"\nline' : 'ok' },
        });
      }
    });
  }, 120_000);
  afterAll(async () => {
    await control?.close();
  });

  it('streams 5,000 events page by page as JSONL that verifies offline, and records the read', async () => {
    const chunks = await exportAuditEvents(ctx, auditor, { format: 'jsonl' });
    const { count, text } = await collect(chunks);
    const lines = text.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(EVENT_COUNT);
    // Header (empty for JSONL) and 5 pages of 1,000: never the whole export at once.
    expect(count).toBe(6);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ seq: 1, action: 'file.received' });

    const verification = await verifyAuditExport(lines);
    expect(verification).toMatchObject({
      ok: true,
      eventCount: EVENT_COUNT,
      firstSeq: 1,
      lastSeq: EVENT_COUNT,
      startsAtGenesis: true,
      reason: null,
    });

    const [read] = await listLatestAuditEvents(ctx, 1);
    expect(read).toMatchObject({
      action: 'audit.read',
      actor: auditor.ref,
      details: { via: 'export', format: 'jsonl', eventCount: EVENT_COUNT, completed: true },
    });
  }, 60_000);

  it('writes CSV with every column, quoting and neutralising cells, under a filter', async () => {
    const chunks = await exportAuditEvents(ctx, auditor, {
      format: 'csv',
      filter: { organisationCode: 'M02', action: ['file.received'] },
    });
    const records = csvRecords((await collect(chunks)).text);
    expect(records[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    // index % 3 === 0 and even: index % 6 === 0.
    expect(records.length - 1).toBe(Math.ceil(EVENT_COUNT / 6));
    const first = records[1]?.split(',') ?? [];
    expect(first.slice(0, 8)).toEqual([
      '1',
      '2026-06-01T08:00:01.000Z',
      'sftp:M02',
      'file.received',
      'file_drop',
      'drop-0',
      'M02',
      '2',
    ]);
    const all = await collect(await exportAuditEvents(ctx, auditor, { format: 'csv' }));
    // Seq 8 (index 7) carries a formula trigger, a comma, quotes and a newline in details:
    // one quoted cell (jsonb orders the keys its own way).
    const seq8 = all.text.split('\r\n').find((record) => record.startsWith('8,'));
    expect(seq8).toContain('""note"":""=cmd, \\""quoted\\""\\nline""');
    expect(seq8?.split(',"{')).toHaveLength(2);
    // A cell a spreadsheet would run as a formula is shown as text.
    const seq10 = all.text.split('\r\n').find((record) => record.startsWith('10,'));
    expect(seq10?.split(',')[5]).toBe("'=drop-9");
  });

  it('stops at the head it opened on, records an abandoned export, refuses a bad filter', async () => {
    const chunks = await exportAuditEvents(ctx, auditor, {
      format: 'jsonl',
      filter: { from: new Date('2026-06-01T08:00:00.000Z') },
    });
    const [head] = await listLatestAuditEvents(ctx, 1);
    await appendAuditEvent(ctx.db, ctx.clock, { action: 'platform.started', actor: 'system' });
    const lines = (await collect(chunks)).text.split('\n').filter((line) => line !== '');
    expect(JSON.parse(lines.at(-1) ?? '').seq).toBe(head?.seq);

    const abandoned = await exportAuditEvents(ctx, auditor, { format: 'csv' });
    for await (const _chunk of abandoned) break;
    const [read] = await listLatestAuditEvents(ctx, 1);
    expect(read).toMatchObject({
      action: 'audit.read',
      details: { via: 'export', eventCount: 0, completed: false },
    });

    await expect(exportAuditEvents(ctx, auditor, { format: 'xml' as never })).rejects.toMatchObject(
      { code: 'validation_failed' },
    );
  });

  it('verifies an unfiltered export against a signed checkpoint with the public key only', async () => {
    const platformKey = await generatePgpKeyPair({
      name: 'Test Only platform',
      email: 'platform@example.invalid',
    });
    const { signedText } = await createAuditCheckpoint(ctx, 'system', platformKey);
    const checkpoint = await readAuditCheckpoint(signedText, [platformKey.armoredPublicKey]);
    const text = (await collect(await exportAuditEvents(ctx, auditor, { format: 'jsonl' }))).text;
    const lines = text.split('\n');
    expect(await verifyAuditExport(lines, { checkpoint })).toMatchObject({
      ok: true,
      checkpointSeq: checkpoint.seq,
    });
    // The same export cut before the checkpoint: the newest rows look deleted.
    const cut = lines.filter((line) => line !== '').slice(0, checkpoint.seq - 10);
    expect(await verifyAuditExport(cut, { checkpoint })).toMatchObject({
      ok: false,
      firstBadSeq: checkpoint.seq,
      reason: expect.stringContaining('before the checkpoint'),
    });
  });
});
