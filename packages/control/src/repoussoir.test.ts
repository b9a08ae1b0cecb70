import { hmacSha256Hex } from '@alliage/crypto';
import { AppError } from '@alliage/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRepoussoirEntry } from './add-repoussoir-entry.ts';
import { type ControlContext, cliActor } from './control-context.ts';
import { importRepoussoirEntries } from './import-repoussoir-entries.ts';
import { listActiveRepoussoirHashes } from './list-active-repoussoir-hashes.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';
import { withdrawRepoussoirProvenance } from './withdraw-repoussoir-provenance.ts';

const actor = cliActor('test');
const SECRET = 'test-only-hmac-secret';
const T0 = new Date('2026-11-23T10:00:00.000Z');
const hashOf = (key: string) => hmacSha256Hex(SECRET, key);
const EMAIL = hashOf('jean.test@example.invalid');
const PHONE = hashOf('+33612345678');
const POSTAL = hashOf('DUPONT|JEAN|75016|12 AVENUE VICTOR HUGO');

describe.each(testControlDbKinds())('repoussoir on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => T0 };
  });
  afterAll(async () => {
    await control?.close();
  });

  const repoussoirEvents = async () =>
    control.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'repoussoir.changed')
      .orderBy('seq')
      .execute();

  it('adds an entry and records one repoussoir.changed event without value or hash', async () => {
    const entry = await addRepoussoirEntry(ctx, actor, {
      kind: 'email',
      hmac: EMAIL,
      source: 'subject_request',
      sourceReference: 'DSAR-0001',
    });
    expect(entry).toMatchObject({
      kind: 'email',
      scope: 'all',
      source: 'subject_request',
      sourceReference: 'DSAR-0001',
      createdBy: 'cli:test',
      alreadyPresent: false,
    });
    expect(entry.createdAt.toISOString()).toBe(T0.toISOString());
    expect(entry).not.toHaveProperty('hmac');
    const events = await repoussoirEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: 'cli:test',
      object_type: 'repoussoir_entry',
      object_id: entry.id,
      details: {
        operation: 'add',
        added: 1,
        alreadyPresent: 0,
        kinds: { email: 1 },
        scopes: ['all'],
        source: 'subject_request',
      },
    });
    const details = JSON.stringify(events[0]?.details);
    expect(details).not.toContain(EMAIL);
    expect(details).not.toContain('DSAR-0001');
  });

  it('returns the active identical entry instead of duplicating it', async () => {
    const again = await addRepoussoirEntry(ctx, actor, {
      kind: 'email',
      hmac: EMAIL,
      source: 'subject_request',
      sourceReference: 'DSAR-0001',
    });
    expect(again).toMatchObject({ alreadyPresent: true, source: 'subject_request' });
    const rows = await control.db
      .selectFrom('repoussoir_entries')
      .select('id')
      .where('hmac', '=', EMAIL)
      .execute();
    expect(rows).toEqual([{ id: again.id }]);
    const events = await repoussoirEvents();
    expect(events.at(-1)).toMatchObject({
      object_id: again.id,
      details: { added: 0, alreadyPresent: 1 },
    });
    // The same contact point with another scope is another entry.
    const smsOnly = await addRepoussoirEntry(ctx, actor, {
      kind: 'email',
      hmac: EMAIL,
      scope: 'email',
      source: 'subject_request',
      sourceReference: 'DSAR-0001',
    });
    expect(smsOnly).toMatchObject({ alreadyPresent: false, scope: 'email' });
    expect(smsOnly.id).not.toBe(again.id);
  });

  it('imports in one transaction and one event, counting what was already there', async () => {
    const before = (await repoussoirEvents()).length;
    const result = await importRepoussoirEntries(
      ctx,
      actor,
      [
        { kind: 'email', hmac: EMAIL, scope: 'all' },
        { kind: 'phone', hmac: PHONE, scope: 'all' },
        { kind: 'postal', hmac: POSTAL, scope: 'postal' },
        { kind: 'phone', hmac: PHONE, scope: 'all' },
      ],
      { source: 'national_list', sourceReference: 'list 2026-11' },
    );
    // The email is in force already, from a subject's request: the list gets its own entry
    // (another provenance); only the repeated phone is counted as already there.
    expect(result).toEqual({ added: 3, alreadyPresent: 1 });
    const events = await repoussoirEvents();
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({
      object_type: 'repoussoir',
      object_id: null,
      details: {
        operation: 'import',
        added: 3,
        alreadyPresent: 1,
        kinds: { email: 1, phone: 2, postal: 1 },
        scopes: ['all', 'postal'],
        source: 'national_list',
      },
    });
    const details = JSON.stringify(events.at(-1)?.details);
    for (const hash of [EMAIL, PHONE, POSTAL]) expect(details).not.toContain(hash);
    const phone = await control.db
      .selectFrom('repoussoir_entries')
      .selectAll()
      .where('hmac', '=', PHONE)
      .executeTakeFirstOrThrow();
    expect(phone).toMatchObject({
      source: 'national_list',
      source_reference: 'list 2026-11',
      created_by: 'cli:test',
      withdrawn_at: null,
    });
  });

  it('lists the active hashes for the pool, and skips withdrawn entries', async () => {
    await control.db
      .updateTable('repoussoir_entries')
      .set({ withdrawn_at: T0, withdrawn_by: 'cli:test', withdrawal_reason: 'test' })
      .where('hmac', '=', POSTAL)
      .execute();
    expect(await listActiveRepoussoirHashes(ctx)).toEqual(
      [
        { kind: 'email', hmac: EMAIL, scope: 'all' },
        { kind: 'email', hmac: EMAIL, scope: 'email' },
        { kind: 'phone', hmac: PHONE, scope: 'all' },
      ].sort(
        (a, b) =>
          a.kind.localeCompare(b.kind) ||
          a.hmac.localeCompare(b.hmac) ||
          a.scope.localeCompare(b.scope),
      ),
    );
    // A withdrawn entry does not block adding the contact point again.
    const readded = await addRepoussoirEntry(ctx, actor, {
      kind: 'postal',
      hmac: POSTAL,
      scope: 'postal',
    });
    expect(readded.alreadyPresent).toBe(false);
  });

  it('refuses a bad entry with the field named and changes nothing', async () => {
    const rowsBefore = await control.db
      .selectFrom('repoussoir_entries')
      .select(sql<number>`count(*)::int`.as('count'))
      .executeTakeFirstOrThrow();
    const eventsBefore = (await repoussoirEvents()).length;
    const bad = importRepoussoirEntries(
      ctx,
      actor,
      [
        { kind: 'email', hmac: hashOf('new.one@example.invalid') },
        { kind: 'email', hmac: 'not-a-hash' },
      ],
      {},
    );
    await expect(bad).rejects.toBeInstanceOf(AppError);
    await expect(bad).rejects.toMatchObject({
      code: 'validation_failed',
      fields: [{ path: 'entries.1.hmac' }],
    });
    await expect(importRepoussoirEntries(ctx, actor, [], {})).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(
      addRepoussoirEntry(ctx, actor, { kind: 'email', hmac: EMAIL, scope: 'fax' as never }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    const rowsAfter = await control.db
      .selectFrom('repoussoir_entries')
      .select(sql<number>`count(*)::int`.as('count'))
      .executeTakeFirstOrThrow();
    expect(rowsAfter.count).toBe(rowsBefore.count);
    expect((await repoussoirEvents()).length).toBe(eventsBefore);
  });

  it('enforces the hash format and the withdrawal record in the database too', async () => {
    await expect(
      control.db
        .insertInto('repoussoir_entries')
        .values({
          kind: 'email',
          hmac: 'NOT HEX',
          scope: 'all',
          source: 'operator',
          source_reference: null,
          created_at: T0,
          created_by: 'cli:test',
          change_version: 1,
        })
        .execute(),
    ).rejects.toThrow();
    await expect(
      control.db
        .updateTable('repoussoir_entries')
        .set({ withdrawn_at: T0 })
        .where('hmac', '=', EMAIL)
        .execute(),
    ).rejects.toThrow();
  });

  it('imports more rows than one insert chunk holds, a repeat across chunks once', async () => {
    const entries = Array.from({ length: 2_500 }, (_, index) => ({
      kind: 'phone' as const,
      hmac: hashOf(`+3361200${String(index).padStart(4, '0')}`),
      scope: 'sms' as const,
    }));
    // The first entry again, in the third insert chunk: counted once, as already there.
    expect(
      await importRepoussoirEntries(
        ctx,
        actor,
        [...entries, entries[0] as (typeof entries)[0]],
        {},
      ),
    ).toEqual({ added: 2_500, alreadyPresent: 1 });
  });

  it('keeps each provenance: withdrawing a list version never lifts another source', async () => {
    const phoneBoth = hashOf('+33698765432');
    const phoneLeft = hashOf('+33698765433');
    const november = { source: 'national_list', sourceReference: 'Bloctel 2026-11' } as const;
    await importRepoussoirEntries(
      ctx,
      actor,
      [
        { kind: 'phone', hmac: phoneBoth },
        { kind: 'phone', hmac: phoneLeft },
      ],
      november,
    );
    // The subject's own opposition, on a number the list holds already: its own entry.
    const request = await addRepoussoirEntry(ctx, actor, {
      kind: 'phone',
      hmac: phoneBoth,
      source: 'subject_request',
      sourceReference: 'DSAR-0009',
    });
    expect(request.alreadyPresent).toBe(false);
    // The next version of the list: one number stays, the other left it.
    expect(
      await importRepoussoirEntries(ctx, actor, [{ kind: 'phone', hmac: phoneBoth }], {
        source: 'national_list',
        sourceReference: 'Bloctel 2026-12',
      }),
    ).toEqual({ added: 1, alreadyPresent: 0 });
    const versionOf = async () =>
      Number(
        (
          await control.db
            .selectFrom('repoussoir_state')
            .select('version')
            .executeTakeFirstOrThrow()
        ).version,
      );
    const before = await versionOf();

    const result = await withdrawRepoussoirProvenance(ctx, actor, {
      ...november,
      reason: '  Superseded by Bloctel 2026-12 ',
    });
    expect(result).toEqual({ withdrawn: 2, kinds: { phone: 2 } });
    expect(await versionOf()).toBe(before + 1);
    const active = (await listActiveRepoussoirHashes(ctx)).map((entry) => entry.hmac);
    expect(active.filter((hmac) => hmac === phoneBoth)).toHaveLength(1);
    expect(active).not.toContain(phoneLeft);
    const withdrawnRows = await control.db
      .selectFrom('repoussoir_entries')
      .selectAll()
      .where('source_reference', '=', 'Bloctel 2026-11')
      .execute();
    expect(withdrawnRows).toHaveLength(2);
    for (const row of withdrawnRows) {
      expect(row).toMatchObject({
        withdrawn_by: 'cli:test',
        withdrawal_reason: 'Superseded by Bloctel 2026-12',
      });
      expect(Number(row.change_version)).toBe(before + 1);
      expect(row.withdrawn_at?.toISOString()).toBe(T0.toISOString());
    }
    const event = (await repoussoirEvents()).at(-1);
    expect(event).toMatchObject({
      object_type: 'repoussoir',
      object_id: null,
      details: {
        operation: 'withdraw',
        withdrawn: 2,
        kinds: { phone: 2 },
        scopes: ['all'],
        source: 'national_list',
      },
    });
    expect(JSON.stringify(event?.details)).not.toMatch(/Bloctel|Superseded|[0-9a-f]{64}/);

    // Nothing left of that version: refused, and no version taken.
    const eventsBefore = (await repoussoirEvents()).length;
    await expect(
      withdrawRepoussoirProvenance(ctx, actor, { ...november, reason: 'again' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await versionOf()).toBe(before + 1);
    expect((await repoussoirEvents()).length).toBe(eventsBefore);
    await expect(
      withdrawRepoussoirProvenance(ctx, actor, { ...november, reason: ' ' }),
    ).rejects.toMatchObject({ code: 'validation_failed', fields: [{ path: 'reason' }] });

    // December withdrawn too: the subject's opposition still holds the number.
    await withdrawRepoussoirProvenance(ctx, actor, {
      source: 'national_list',
      sourceReference: 'Bloctel 2026-12',
      reason: 'list no longer used',
    });
    expect((await listActiveRepoussoirHashes(ctx)).map((entry) => entry.hmac)).toContain(phoneBoth);
  });
});
