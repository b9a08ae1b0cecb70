import { randomUUID } from 'node:crypto';
import { hmacSha256Hex } from '@alliage/crypto';
import type { TRepoussoirHashEntryInput } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlContext, cliActor } from './control-context.ts';
import { ABANDONED_REPOUSSOIR_IMPORT_MS } from './discard-abandoned-repoussoir-imports.ts';
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
    // An import that ended, committed or not, leaves nothing staged.
    imports: await control.db.selectFrom('repoussoir_imports').select('id').execute(),
    staged: await control.db.selectFrom('repoussoir_import_staging').select('hmac').execute(),
  });
  /** Rows as a process that crashed mid-import leaves them, last written at `stagedAt`. */
  const leaveCrashedImport = async (stagedAt: Date, entries: TRepoussoirHashEntryInput[]) => {
    const id = randomUUID();
    await control.db
      .insertInto('repoussoir_imports')
      .values({ id, started_at: stagedAt, staged_at: stagedAt })
      .execute();
    await control.db
      .insertInto('repoussoir_import_staging')
      .values(entries.map((entry) => ({ import_id: id, scope: 'all' as const, ...entry })))
      .execute();
    return id;
  };

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

  it('answers other control-plane queries while the list is read, showing none of it', async () => {
    const before = await snapshot();
    let resume = () => {};
    const paused = new Promise<void>((resolve) => {
      resume = resolve;
    });
    let onPause = () => {};
    const pausing = new Promise<void>((resolve) => {
      onPause = resolve;
    });
    const settled: string[] = [];
    const importing = importRepoussoirBatches(ctx, actor, LIST, {}, async (stage) => {
      await stage(emails(5_000, 100));
      onPause(); // between two batches, as while the next lines decrypt
      await paused;
      settled.push('import resumed');
      await stage(emails(5_100, 100));
      return { commit: true, value: null };
    });
    await pausing;
    // Another query of the process (an API request, an SFTP login) on the same database.
    // With one PGlite connection held by the import, it would wait for the import to end:
    // it must settle first. The timer only un-sticks the import when it does not.
    const query = snapshot().then((seen) => {
      settled.push('query');
      return seen;
    });
    const unstick = setTimeout(resume, 5_000);
    const seen = await Promise.race([query, importing.then(() => query)]);
    resume();
    clearTimeout(unstick);
    const { imported } = await importing;
    expect(settled[0]).toBe('query');
    // Staged, not in force: the repoussoir is as it was until the import's last step.
    expect(seen.staged).toHaveLength(100);
    expect({ ...seen, imports: [], staged: [] }).toEqual(before);
    expect(imported).toEqual({ added: 200, alreadyPresent: 0 });
  });

  it('discards what a crashed import staged: it never becomes entries', async () => {
    await leaveCrashedImport(
      new Date(T0.getTime() - ABANDONED_REPOUSSOIR_IMPORT_MS - 1),
      emails(6_000, 20),
    );
    const before = await snapshot();
    expect(before.staged).toHaveLength(20);
    const { imported } = await importRepoussoirBatches(ctx, actor, LIST, {}, async (stage) => {
      await stage(emails(6_010, 5)); // five of them sent again, by a later import
      return { commit: true, value: null };
    });
    expect(imported).toEqual({ added: 5, alreadyPresent: 0 });
    const after = await snapshot();
    expect(after.imports).toEqual([]);
    expect(after.staged).toEqual([]);
    expect(after.entries.length - before.entries.length).toBe(5);
    const crashedHashes = new Set(emails(6_000, 10).map((entry) => entry.hmac));
    expect(after.entries.filter((entry) => crashedHashes.has(entry.hmac))).toEqual([]);
  });

  it('keeps what a running import staged, and fails an import discarded meanwhile', async () => {
    const running = await leaveCrashedImport(T0, emails(7_000, 3));
    await importRepoussoirBatches(ctx, actor, LIST, {}, async (stage) => {
      await stage(emails(7_100, 3));
      return { commit: true, value: null };
    });
    // Written within the hour: another process may still be reading that list.
    expect((await snapshot()).imports).toEqual([{ id: running }]);
    expect((await snapshot()).staged).toHaveLength(3);
    await control.db.deleteFrom('repoussoir_imports').where('id', '=', running).execute();
    // An import idle so long that another one discarded it cannot commit what is left.
    const before = await snapshot();
    await expect(
      importRepoussoirBatches(ctx, actor, LIST, {}, async (stage) => {
        await stage(emails(7_200, 3));
        await control.db.deleteFrom('repoussoir_imports').execute(); // as the other import would
        return { commit: true, value: null };
      }),
    ).rejects.toThrow(/discarded as abandoned/);
    expect(await snapshot()).toEqual(before);
  });
});
