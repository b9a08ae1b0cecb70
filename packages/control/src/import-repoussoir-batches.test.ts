import { randomUUID } from 'node:crypto';
import { hmacSha256Hex } from '@alliage/crypto';
import type { TRepoussoirHashEntryInput } from '@alliage/domain';
import { type Kysely, type KyselyPlugin, RawNode, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRepoussoirEntry } from './add-repoussoir-entry.ts';
import { type ControlContext, cliActor } from './control-context.ts';
import { ABANDONED_REPOUSSOIR_IMPORT_MS } from './discard-abandoned-repoussoir-imports.ts';
import { getRepoussoirStats } from './get-repoussoir-stats.ts';
import { importRepoussoirBatches } from './import-repoussoir-batches.ts';
import { importRepoussoirEntries } from './import-repoussoir-entries.ts';
import { listActiveRepoussoirHashes } from './list-active-repoussoir-hashes.ts';
import { listRepoussoirEntries } from './list-repoussoir-entries.ts';
import { readRepoussoirHead, repoussoirFeed } from './repoussoir-feed.ts';
import { ABANDONED_REPOUSSOIR_APPLY_MS } from './repoussoir-import-lock.ts';
import type { ControlSchema } from './schema.ts';
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
// More than two chunks of the move into the entries (5,000 rows each).
const LARGE = 12_000;

/**
 * `db`, calling `afterMove(n)` once the n-th statement that moves staged rows into the
 * entries has run (inside its transaction): a failure there is that statement's.
 */
function observeMoves(
  db: Kysely<ControlSchema>,
  afterMove: (n: number) => Promise<void> | void,
): Kysely<ControlSchema> {
  const moves = new WeakSet<object>();
  let count = 0;
  const plugin: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      if (RawNode.is(node) && node.sqlFragments.join('').includes('INSERT INTO repoussoir_entries'))
        moves.add(queryId);
      return node;
    },
    transformResult: async ({ result, queryId }) => {
      if (moves.has(queryId)) await afterMove(++count);
      return result;
    },
  };
  return db.withPlugin(plugin);
}

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
    // And no import holds the repoussoir.
    holder: await control.db
      .selectFrom('repoussoir_state')
      .select(['applying_import_id', 'applying_at'])
      .executeTakeFirstOrThrow(),
  });
  /** What every reader of the repoussoir shows: rows not in force must show nowhere. */
  const readers = async () => {
    const head = await readRepoussoirHead(ctx);
    return {
      head,
      hashes: (await listActiveRepoussoirHashes(ctx)).length,
      stats: await getRepoussoirStats(ctx),
      newest: await listRepoussoirEntries(ctx, { limit: 3, includeWithdrawn: true }),
      // Even asked past the head, the feed holds nothing of a change not committed.
      changes: (
        await repoussoirFeed(ctx).changes({
          after: { version: 0 },
          upTo: head.version + 1,
          limit: 1_000_000,
        })
      ).length,
    };
  };
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

  it('answers another query between the chunks that move a large list in, showing none of it', async () => {
    const before = await readers();
    const settled: string[] = [];
    let seen: ReturnType<typeof getRepoussoirStats> | undefined;
    const observed = {
      ...ctx,
      db: observeMoves(control.db, async (move) => {
        if (move !== 1) return;
        // Another request of the process (an API request, an SFTP login) while the list
        // moves in: PostgreSQL answers it on another connection at once; PGlite's one
        // connection must reach it between two chunks, before the import ends.
        // It arrives as I/O does, on a later turn of the event loop.
        seen = new Promise((resolve) => setImmediate(resolve))
          .then(() => getRepoussoirStats(ctx))
          .then((stats) => {
            settled.push('query');
            return stats;
          });
        if (kind === 'postgres') await seen;
      }),
    };
    const { imported } = await importRepoussoirBatches(observed, actor, LIST, {}, async (stage) => {
      await stage(emails(10_000, LARGE));
      return { commit: true, value: null };
    });
    settled.push('import');
    expect(settled).toEqual(['query', 'import']);
    // The first chunk was written, not in force: the query showed the repoussoir as it was.
    expect(await seen).toEqual(before.stats);
    expect(imported).toEqual({ added: LARGE, alreadyPresent: 0 });
    const after = await readers();
    expect(after.head.version).toBe(before.head.version + 1);
    expect(after.hashes).toBe(before.hashes + LARGE);
    expect(after.changes).toBe(before.changes + LARGE);
    expect(after.stats.active).toBe(before.stats.active + LARGE);
  });

  it('leaves nothing in force when the move fails between two chunks, and deletes its rows', async () => {
    const before = await snapshot();
    const failing = {
      ...ctx,
      db: observeMoves(control.db, (move) => {
        if (move === 2) throw new Error('disk full');
      }),
    };
    await expect(
      importRepoussoirBatches(failing, actor, LIST, {}, async (stage) => {
        await stage(emails(30_000, LARGE));
        return { commit: true, value: null };
      }),
    ).rejects.toThrow('disk full');
    // The first chunk's rows, written and committed pending, are gone; the repoussoir is free.
    expect(await snapshot()).toEqual(before);
    const next = await addRepoussoirEntry(ctx, actor, { ...PHONE, scope: 'phone' });
    expect(next.alreadyPresent).toBe(false);
  });

  /** Rows as a process that crashed while moving its list in leaves them. */
  const leaveCrashedMove = async (movedAt: Date, entries: TRepoussoirHashEntryInput[]) => {
    const id = await leaveCrashedImport(movedAt, entries.slice(0, 1)); // one line not moved yet
    const { version } = await readRepoussoirHead(ctx);
    await control.db
      .updateTable('repoussoir_state')
      .set({ applying_import_id: id, applying_at: movedAt })
      .execute();
    await control.db
      .insertInto('repoussoir_entries')
      .values(
        entries.slice(1).map((entry) => ({
          kind: entry.kind as 'email',
          hmac: entry.hmac,
          scope: 'all' as const,
          source: LIST.source,
          source_reference: LIST.sourceReference,
          created_at: movedAt,
          created_by: actor.ref,
          change_version: version + 1,
        })),
      )
      .execute();
    return id;
  };

  it('never puts in force what a crashed import moved, and deletes it before the next change', async () => {
    const before = await readers();
    const beforeRows = await snapshot();
    const crashed = emails(40_000, 30);
    await leaveCrashedMove(new Date(T0.getTime() - ABANDONED_REPOUSSOIR_APPLY_MS - 1), crashed);
    // Pending: no reader shows them.
    expect(await readers()).toEqual(before);
    // The next change finds the import abandoned, deletes its rows, then takes the version.
    const added = await addRepoussoirEntry(ctx, actor, { ...PHONE, scope: 'postal' });
    expect(added.alreadyPresent).toBe(false);
    const after = await snapshot();
    expect(after.version).toBe(Number(beforeRows.version) + 1);
    expect(after.entries).toHaveLength(beforeRows.entries.length + 1);
    expect(after.imports).toEqual(beforeRows.imports);
    expect(after.staged).toEqual([]);
    expect(after.holder).toEqual({ applying_import_id: null, applying_at: null });
    const crashedHashes = new Set(crashed.map((entry) => entry.hmac));
    expect(after.entries.filter((entry) => crashedHashes.has(entry.hmac))).toEqual([]);
  });

  it('makes another change wait while an import moves its rows in', async () => {
    const moving = await leaveCrashedMove(T0, emails(50_000, 3)); // still moving: written now
    const order: string[] = [];
    const adding = addRepoussoirEntry(ctx, actor, { ...PHONE, scope: 'all' }).then((entry) => {
      order.push('added');
      return entry;
    });
    // Queries go on meanwhile; the change waits for the import to end (here, to be discarded).
    for (let look = 0; look < 5; look++) await readers();
    order.push('import ended');
    await control.db
      .deleteFrom('repoussoir_entries')
      .where(sql<boolean>`change_version > (SELECT version FROM repoussoir_state)`)
      .execute();
    await control.db
      .updateTable('repoussoir_state')
      .set({ applying_import_id: null, applying_at: null })
      .execute();
    await control.db.deleteFrom('repoussoir_imports').where('id', '=', moving).execute();
    const entry = await adding;
    expect(order).toEqual(['import ended', 'added']);
    expect(entry.alreadyPresent).toBe(false);
  });
});
