import { hmacSha256Hex } from '@alliage/crypto';
import type { TRepoussoirHashEntryInput } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlContext, cliActor } from './control-context.ts';
import { importRepoussoirBatches } from './import-repoussoir-batches.ts';
import { importRepoussoirEntries } from './import-repoussoir-entries.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';

const actor = cliActor('test');
const T0 = new Date('2026-12-03T10:00:00.000Z');
const emails = (from: number, count: number): TRepoussoirHashEntryInput[] =>
  Array.from({ length: count }, (_, index) => ({
    kind: 'email',
    hmac: hmacSha256Hex('test-only-hmac-secret', `list.${from + index}@example.invalid`),
  }));
const PHONE = {
  kind: 'phone',
  hmac: hmacSha256Hex('test-only-hmac-secret', '+33612345678'),
} as const;
const LIST = { source: 'national_list', sourceReference: 'Bloctel 2026-12' } as const;

describe.each(testControlDbKinds())('importRepoussoirBatches on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => T0 };
  });
  afterAll(async () => {
    await control?.close();
  });

  /** Everything an import may change: entries, the repoussoir version, the audit chain. */
  const snapshot = async () => ({
    entries: await control.db
      .selectFrom('repoussoir_entries')
      .select(['kind', 'hmac', 'scope', 'source', 'source_reference', 'change_version'])
      .orderBy('hmac')
      .execute(),
    version: (
      await control.db.selectFrom('repoussoir_state').select('version').executeTakeFirstOrThrow()
    ).version,
    events: await control.db.selectFrom('audit_events').select('seq').execute(),
  });

  it('adds a list staged in batches as one version and one event, counting repeats', async () => {
    // Already in force from the same provenance before the list arrives.
    await importRepoussoirEntries(ctx, actor, emails(0, 5), LIST);
    const before = await snapshot();
    const { value, imported } = await importRepoussoirBatches(
      ctx,
      actor,
      LIST,
      { details: { note: 'test' } },
      async (stage) => {
        await stage(emails(0, 300)); // 5 already in force
        await stage([...emails(300, 300), { ...PHONE, scope: 'sms' }]);
        await stage(emails(250, 100)); // repeats of both batches above
        return { commit: true, value: 'read' };
      },
    );
    expect(value).toBe('read');
    expect(imported).toEqual({ added: 596, alreadyPresent: 105 });
    const after = await snapshot();
    const added = after.entries.filter((entry) => entry.change_version !== before.version);
    expect(added).toHaveLength(596);
    expect(new Set(added.map((entry) => entry.change_version))).toEqual(
      new Set([Number(before.version) + 1]),
    );
    expect(after.version).toBe(Number(before.version) + 1);
    const events = await control.db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', before.events.length)
      .execute();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ action: 'repoussoir.changed', object_type: 'repoussoir' });
    expect(event?.details).toEqual({
      note: 'test',
      operation: 'import',
      added: 596,
      alreadyPresent: 105,
      kinds: { email: 700, phone: 1 },
      scopes: ['all', 'sms'],
      source: 'national_list',
    });
  });

  it('leaves the control plane as it was when the list fails halfway', async () => {
    const before = await snapshot();
    await expect(
      importRepoussoirBatches(ctx, actor, LIST, {}, async (stage) => {
        await stage(emails(1_000, 200));
        await stage(emails(1_200, 200));
        throw new Error('decryption failed at line 401');
      }),
    ).rejects.toThrow('decryption failed at line 401');
    expect(await snapshot()).toEqual(before);
    // The same list again (a retry) goes in whole.
    const retried = await importRepoussoirBatches(ctx, actor, LIST, {}, async (stage) => {
      await stage(emails(1_000, 200));
      await stage(emails(1_200, 200));
      return { commit: true, value: null };
    });
    expect(retried.imported).toEqual({ added: 400, alreadyPresent: 0 });
  });

  it('commits nothing when the producer declines once the list is read', async () => {
    const before = await snapshot();
    const declined = await importRepoussoirBatches(ctx, actor, LIST, {}, async (stage) => {
      await stage(emails(2_000, 300));
      return { commit: false, value: 'too_many_bad_rows' };
    });
    expect(declined).toEqual({ value: 'too_many_bad_rows', imported: null });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an invalid entry in any batch and keeps nothing of the earlier ones', async () => {
    const before = await snapshot();
    await expect(
      importRepoussoirBatches(ctx, actor, LIST, {}, async (stage) => {
        await stage(emails(3_000, 10));
        await stage([{ kind: 'email', hmac: 'not-a-hash' }]);
        return { commit: true, value: null };
      }),
    ).rejects.toThrow();
    expect(await snapshot()).toEqual(before);
  });

  it('changes nothing for a list with no entry', async () => {
    const before = await snapshot();
    const empty = await importRepoussoirBatches(ctx, actor, LIST, {}, async () => ({
      commit: true,
      value: null,
    }));
    expect(empty.imported).toEqual({ added: 0, alreadyPresent: 0 });
    expect(await snapshot()).toEqual(before);
  });
});
