import { hmacSha256Hex } from '@alliage/crypto';
import type { TRepoussoirChange } from '@alliage/domain';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRepoussoirEntry } from './add-repoussoir-entry.ts';
import { type ControlContext, cliActor } from './control-context.ts';
import { importRepoussoirEntries } from './import-repoussoir-entries.ts';
import * as repoussoirVersions from './migrations/2026-12-05-0011-repoussoir-versions.ts';
import * as repoussoirPendingEntries from './migrations/2026-12-07-0019-repoussoir-pending-entries.ts';
import { nextRepoussoirVersion } from './next-repoussoir-version.ts';
import { readRepoussoirHead, repoussoirFeed } from './repoussoir-feed.ts';
import { createTestControlDb, type TestControlDb, testControlDbKinds } from './testing/index.ts';
import { withdrawRepoussoirEntry } from './withdraw-repoussoir-entry.ts';

const actor = cliActor('test');
const hashOf = (key: string) => hmacSha256Hex('test-only-hmac-secret', key);
const emails = (from: number, count: number) =>
  Array.from({ length: count }, (_, index) => ({
    kind: 'email' as const,
    hmac: hashOf(`person${from + index}@example.invalid`),
  }));

describe.each(testControlDbKinds())('repoussoir feed on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => new Date('2026-12-05T10:00:00.000Z') };
  });
  afterAll(async () => {
    await control?.close();
  });

  /** Every change after `version`, read as the pool does: page by page. */
  const readAll = async (version: number, upTo: number, limit: number) => {
    const feed = repoussoirFeed(ctx);
    const read: TRepoussoirChange[] = [];
    let after: { version: number; id?: string } = { version };
    for (;;) {
      const page = await feed.changes({ after, upTo, limit });
      read.push(...page);
      const last = page.at(-1);
      if (last === undefined || page.length < limit) return read;
      after = { version: last.version, id: last.id };
    }
  };

  it('reads every column of the entries through the committed view (a column added later must recreate it)', async () => {
    // The view is `SELECT e.*`, expanded when it was created: a column added to
    // repoussoir_entries afterwards is missing from it until a migration recreates it.
    const columns = async (relation: string) =>
      (
        await sql<{ column_name: string }>`
          SELECT column_name FROM information_schema.columns
          WHERE table_name = ${relation} ORDER BY column_name`.execute(ctx.db)
      ).rows.map((row) => row.column_name);
    const entries = await columns('repoussoir_entries');
    expect(entries.length).toBeGreaterThan(0);
    expect(await columns('repoussoir_committed_entries')).toEqual(entries);
  });

  it('counts versions from 0 and gives each committed change the next one', async () => {
    const start = await readRepoussoirHead(ctx);
    expect(start).toEqual({ epoch: expect.stringMatching(/^[0-9a-f-]{36}$/), version: 0 });
    await importRepoussoirEntries(ctx, actor, emails(0, 25), { source: 'national_list' });
    const added = await addRepoussoirEntry(ctx, actor, {
      kind: 'phone',
      hmac: hashOf('+33612345678'),
    });
    expect(await readRepoussoirHead(ctx)).toEqual({ epoch: start.epoch, version: 2 });
    // A refused change takes no version: its transaction rolls the increment back.
    await withdrawRepoussoirEntry(ctx, actor, added.id, { reason: 'test withdrawal' });
    await expect(
      withdrawRepoussoirEntry(ctx, actor, added.id, { reason: 'again' }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      importRepoussoirEntries(ctx, actor, [{ kind: 'email', hmac: 'not a hash' }], {}),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    expect(await readRepoussoirHead(ctx)).toEqual({ epoch: start.epoch, version: 3 });
  });

  it('pages every changed entry once, in version order, with its state now', async () => {
    const all = await readAll(0, 3, 10);
    expect(all).toHaveLength(26);
    expect(new Set(all.map((change) => change.id)).size).toBe(26);
    expect(all.map((change) => change.version)).toEqual([...Array(25).fill(1), 3]);
    // The phone entry was added at version 2 and withdrawn at 3: read once, at 3, withdrawn.
    expect(all.at(-1)).toMatchObject({ kind: 'phone', version: 3, active: false, scope: 'all' });
    expect(all.slice(0, 25).every((change) => change.active && change.kind === 'email')).toBe(true);
    // Only what changed after a version; nothing past `upTo`.
    expect(await readAll(1, 3, 10)).toEqual([all[25]]);
    expect(await readAll(0, 2, 7)).toHaveLength(25);
    expect(await readAll(3, 3, 10)).toEqual([]);
  });

  it('gives a contact point added again after its withdrawal a new entry', async () => {
    const phone = { kind: 'phone' as const, hmac: hashOf('+33612345678') };
    const again = await addRepoussoirEntry(ctx, actor, phone);
    const changes = await readAll(3, 4, 10);
    expect(changes).toEqual([
      { id: again.id, version: 4, kind: 'phone', hmac: phone.hmac, scope: 'all', active: true },
    ]);
  });

  it.runIf(kind === 'postgres')(
    'makes a concurrent change wait, so versions commit in order',
    async () => {
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let took = () => {};
      const taken = new Promise<void>((resolve) => {
        took = resolve;
      });
      const first = control.db.transaction().execute(async (trx) => {
        const version = await nextRepoussoirVersion(trx);
        took();
        await held;
        return version;
      });
      await taken;
      const second = control.db.transaction().execute((trx) => nextRepoussoirVersion(trx));
      // The second change waits on the state row's lock until the first commits.
      for (;;) {
        const waiting = await sql<{ count: number }>`
          SELECT count(*)::int AS count FROM pg_locks
          WHERE NOT granted AND locktype = 'transactionid'
            AND pid IN (SELECT pid FROM pg_stat_activity WHERE query LIKE '%repoussoir_state%')`.execute(
          control.db,
        );
        if ((waiting.rows[0]?.count ?? 0) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect((await readRepoussoirHead(ctx)).version).toBe(4);
      release();
      const version = await first;
      expect(await second).toBe(version + 1);
      expect((await readRepoussoirHead(ctx)).version).toBe(version + 1);
    },
  );
});

describe.each(testControlDbKinds())('repoussoir versions migration on %s', (kind) => {
  let control: TestControlDb;
  beforeAll(async () => {
    control = await createTestControlDb(kind);
  });
  afterAll(async () => {
    await control?.close();
  });

  it('makes the entries already there version 1, so a mirror reads them all', async () => {
    const db = control.db as unknown as Kysely<unknown>;
    // The view over the versioned entries (0019) goes first, and comes back after.
    await repoussoirPendingEntries.down(db);
    await repoussoirVersions.down(db);
    await sql`
      INSERT INTO repoussoir_entries (kind, hmac, scope, source, created_at, created_by)
      VALUES ('email', ${hashOf('old@example.invalid')}, 'all', 'operator', now(), 'cli:test')`.execute(
      db,
    );
    await repoussoirVersions.up(db);
    await repoussoirPendingEntries.up(db);
    const ctx = { db: control.db, clock: () => new Date() };
    expect((await readRepoussoirHead(ctx)).version).toBe(1);
    expect(
      await repoussoirFeed(ctx).changes({ after: { version: 0 }, upTo: 1, limit: 10 }),
    ).toEqual([expect.objectContaining({ kind: 'email', version: 1, active: true })]);
    // The next change is version 2.
    await addRepoussoirEntry(ctx, actor, { kind: 'phone', hmac: hashOf('+33612345678') });
    expect((await readRepoussoirHead(ctx)).version).toBe(2);
  });
});
