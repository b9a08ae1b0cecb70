import { isAppError, type TAuditAction } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvent } from './audit-append-event.ts';
import type { TAuditEvent } from './audit-event.ts';
import { exportAuditEvents } from './audit-export-events.ts';
import { ZAuditFilter } from './audit-filter.ts';
import { listAuditEvents } from './audit-list-events.ts';
import { listLatestAuditEvents } from './audit-list-latest-events.ts';
import type { ControlContext } from './control-context.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

const START = Date.parse('2026-05-01T00:00:00.000Z');
const MINUTE = 60_000;

describe('ZAuditFilter', () => {
  it('reads query-string shapes', () => {
    expect(
      ZAuditFilter.parse({
        action: 'file.received, file.accepted',
        instructionVersion: '3',
        from: '2026-05-01T00:00:00Z',
        to: '2026-05-02',
        limit: '20',
      }),
    ).toEqual({
      action: ['file.received', 'file.accepted'],
      instructionVersion: 3,
      from: new Date('2026-05-01T00:00:00Z'),
      to: new Date('2026-05-02T00:00:00Z'),
      limit: 20,
    });
    expect(ZAuditFilter.parse({ action: ['key.added'] })).toEqual({ action: ['key.added'] });
    expect(ZAuditFilter.parse({ action: ['key.added,key.revoked', 'audit.read'] })).toEqual({
      action: ['key.added', 'key.revoked', 'audit.read'],
    });
    expect(ZAuditFilter.parse({})).toEqual({});
  });

  it('refuses unknown actions, bad numbers and dates, and unknown keys', () => {
    for (const bad of [
      { action: 'file.received,file.eaten' },
      { action: '' },
      { limit: '0' },
      { limit: '1001' },
      { limit: 'ten' },
      { instructionVersion: '1.5' },
      { from: 'yesterday' },
      { actions: 'file.received' },
    ]) {
      expect(ZAuditFilter.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe.each(testControlDbKinds())('listAuditEvents on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let all: TAuditEvent[];

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    let now = START;
    // One event per minute: event i happens at START + i minutes.
    ctx = {
      db: control.db,
      clock: () => {
        const reading = new Date(now);
        now += MINUTE;
        return reading;
      },
    };
    const actions: TAuditAction[] = ['file.received', 'file.accepted', 'instruction.changed'];
    all = [];
    for (let index = 0; index < 30; index += 1) {
      const action = actions[index % 3] as TAuditAction;
      all.push(
        await appendAuditEvent(ctx.db, ctx.clock, {
          action,
          actor: index % 2 === 0 ? 'sftp:M01' : 'cli:alice',
          objectType: action === 'instruction.changed' ? 'instruction' : 'file',
          objectId: `object-${index % 5}`,
          organisationCode: index % 4 === 0 ? 'M02' : 'M01',
          instructionVersion: action === 'instruction.changed' ? (index % 2) + 1 : null,
          details: { index },
        }),
      );
    }
  });
  afterAll(async () => {
    await control?.close();
  });

  const seqsOf = (events: TAuditEvent[]): number[] => events.map((event) => event.seq);

  it('refuses a from or to the database cannot hold, naming the field, for any caller', async () => {
    const refused: [filter: Parameters<typeof listAuditEvents>[1], field: string][] = [
      [{ from: '0000-01-01' }, 'filter.from'],
      [{ to: '0000-12-31T23:00:00Z' }, 'filter.to'],
      [{ from: new Date('0000-06-01T00:00:00Z') }, 'filter.from'],
      [{ to: '+010000-01-01T00:00:00Z' }, 'filter.to'],
      [{ from: '12345' }, 'filter.from'],
      [{ from: 'yesterday' }, 'filter.from'],
      [{ to: new Date(Number.NaN) }, 'filter.to'],
      [{ to: '2026-02-30' }, 'filter.to'],
      [{ from: '2026-05-01T10:00:00' }, 'filter.from'],
      [{ from: '2026-05-02', to: '2026-05-01' }, 'filter.to'],
      // Numbers in anything but decimal digits (z.coerce.number took these).
      [{ instructionVersion: '0x10' }, 'filter.instructionVersion'],
      [{ instructionVersion: '1e2' }, 'filter.instructionVersion'],
    ];
    for (const [filter, field] of refused) {
      const label = JSON.stringify(filter);
      for (const run of [
        () => listAuditEvents(ctx, filter),
        () => exportAuditEvents(ctx, 'cli:alice', { format: 'jsonl', filter }),
      ]) {
        const error = await run().then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(isAppError(error), `${label}: ${String(error)}`).toBe(true);
        if (!isAppError(error)) continue;
        expect(error.code, label).toBe('validation_failed');
        expect(
          error.fields.map((issue) => issue.path),
          label,
        ).toEqual([field]);
        expect(error.message, label).toContain(field);
      }
    }
    // Dates and instants the chain can hold still work, Date objects included.
    const from = new Date(START + 10 * MINUTE);
    const page = await listAuditEvents(ctx, { from, to: '9999-12-31T23:59:59Z' });
    expect(seqsOf(page.events)).toEqual(seqsOf(all.slice(10)));
    expect(
      (await listAuditEvents(ctx, { from: '0001-01-01', to: '2026-05-01T00:05:00+00:00' })).events,
    ).toHaveLength(5);
  });

  it('returns everything in seq order with the default page size', async () => {
    const page = await listAuditEvents(ctx, {});
    expect(page.events).toEqual(all);
    expect(page.nextCursor).toBeNull();
  });

  it('applies each filter and their combination', async () => {
    const expectFilter = async (
      filter: Parameters<typeof listAuditEvents>[1],
      keep: (event: TAuditEvent) => boolean,
    ) => {
      const expected = seqsOf(all.filter(keep));
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(seqsOf((await listAuditEvents(ctx, filter)).events), JSON.stringify(filter)).toEqual(
        expected,
      );
    };
    await expectFilter({ action: ['file.accepted', 'instruction.changed'] }, (event) =>
      ['file.accepted', 'instruction.changed'].includes(event.action),
    );
    await expectFilter({ organisationCode: 'M02' }, (event) => event.organisationCode === 'M02');
    await expectFilter({ actor: 'cli:alice' }, (event) => event.actor === 'cli:alice');
    await expectFilter(
      { objectType: 'instruction' },
      (event) => event.objectType === 'instruction',
    );
    await expectFilter({ objectId: 'object-3' }, (event) => event.objectId === 'object-3');
    await expectFilter({ instructionVersion: 2 }, (event) => event.instructionVersion === 2);
    const from = new Date(START + 10 * MINUTE);
    const to = new Date(START + 20 * MINUTE);
    await expectFilter({ from, to }, (event) => event.occurredAt >= from && event.occurredAt < to);
    await expectFilter(
      { action: ['file.received'], actor: 'sftp:M01', organisationCode: 'M01', from },
      (event) =>
        event.action === 'file.received' &&
        event.actor === 'sftp:M01' &&
        event.organisationCode === 'M01' &&
        event.occurredAt >= from,
    );
    expect((await listAuditEvents(ctx, { actor: 'nobody' })).events).toEqual([]);
  });

  it('pages with a cursor until the last page, without losing or repeating an event', async () => {
    const filter = { action: ['file.received', 'file.accepted'] as TAuditAction[], limit: 7 };
    const expected = seqsOf(all.filter((event) => event.action !== 'instruction.changed'));
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listAuditEvents(ctx, { ...filter, ...(cursor ? { cursor } : {}) });
      expect(page.events.length).toBeLessThanOrEqual(7);
      seen.push(...seqsOf(page.events));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 7));
    // An exact multiple of the page size ends on a full page with no next cursor.
    const full = await listAuditEvents(ctx, { limit: 30 });
    expect(full.events).toHaveLength(30);
    expect(full.nextCursor).toBeNull();
  });

  it('refuses a forged cursor and a bad filter with validation_failed', async () => {
    for (const filter of [{ cursor: 'bm90IGEgY3Vyc29y' }, { cursor: '!!' }, { limit: 0 }]) {
      const error = await listAuditEvents(ctx, filter).catch((caught: unknown) => caught);
      expect(isAppError(error) && error.code, JSON.stringify(filter)).toBe('validation_failed');
    }
  });

  it('lists the newest events oldest first', async () => {
    expect(await listLatestAuditEvents(ctx, 3)).toEqual(all.slice(-3));
    expect(await listLatestAuditEvents(ctx, 1000)).toEqual(all);
    await expect(listLatestAuditEvents(ctx, 0)).rejects.toThrow(/1\.\.1000/);
  });
});
