import {
  addRepoussoirEntry,
  type ControlContext,
  cliActor,
  importRepoussoirEntries,
  readRepoussoirHead,
  repoussoirFeed,
  withdrawRepoussoirEntry,
} from '@alliage/control';
import {
  createTestControlDb,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import { hmacSha256Hex } from '@alliage/crypto';
import type { TRepoussoirFeed } from '@alliage/domain';
import {
  readRepoussoirMirrorHead,
  syncRepoussoirMirror,
  type TWarehouse,
} from '@alliage/warehouse';
import { createTestWarehouse, insertFixtureRecords } from '@alliage/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncPoolRepoussoir } from './count-selection-audience.ts';

const actor = cliActor('test');
const hashOf = (key: string) => hmacSha256Hex('test-only-hmac-secret', key);
const emailHash = (index: number) => hashOf(`person${index}@example.invalid`);

describe.each(testControlDbKinds())('the pool repoussoir mirror on %s', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let pool: Awaited<ReturnType<typeof createTestWarehouse>>;
  let warehouse: TWarehouse;

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => new Date('2026-12-05T10:00:00.000Z') };
    pool = await createTestWarehouse();
    warehouse = pool.warehouse;
    // Persons 1..5, each with one record whose email is person<N>@example.invalid.
    await warehouse.withWriter((connection) =>
      insertFixtureRecords(
        connection,
        [1, 2, 3, 4, 5].map((index) => ({
          recordId: index,
          personId: index,
          memberCode: 'M01',
          customerId: `C${index}`,
          createdAt: '2026-01-01',
          emailHmac: emailHash(index),
        })),
      ),
    );
  });
  afterAll(async () => {
    await pool?.cleanup();
    await control?.close();
  });

  const query = async (text: string) => {
    const connection = await warehouse.connect();
    try {
      return (await connection.runAndReadAll(text)).getRowsJS();
    } finally {
      connection.closeSync();
    }
  };
  const mirrored = async () =>
    (await query('SELECT kind, hmac, scope FROM repoussoir_hashes ORDER BY hmac, scope')).map(
      ([entryKind, hmac, scope]) => `${entryKind}:${hmac}:${scope}`,
    );
  const inForce = async () =>
    (
      await control.db
        .selectFrom('repoussoir_entries')
        .select(['kind', 'hmac', 'scope'])
        .where('withdrawn_at', 'is', null)
        .orderBy('hmac')
        .orderBy('scope')
        .execute()
    ).map((entry) => `${entry.kind}:${entry.hmac}:${entry.scope}`);
  const marked = async () =>
    (await query('SELECT DISTINCT person_id FROM person_oppositions ORDER BY 1')).map((row) =>
      Number(row[0]),
    );
  /** Catches the mirror up in its own transaction, `pageSize` entries a page. */
  const catchUp = (feed: TRepoussoirFeed, pageSize: number) =>
    warehouse.withWriter(async (connection) => {
      await connection.run('BEGIN TRANSACTION');
      const result = await syncRepoussoirMirror(connection, feed, { pageSize });
      await connection.run('COMMIT');
      return result;
    });

  it('reads a large first list page by page, then only what changed', async () => {
    // 1,200 entries in two imports, persons 1 and 2 among them.
    await importRepoussoirEntries(
      ctx,
      actor,
      Array.from({ length: 600 }, (_, index) => ({ kind: 'email', hmac: emailHash(index + 1) })),
      { source: 'national_list' },
    );
    await importRepoussoirEntries(
      ctx,
      actor,
      Array.from({ length: 600 }, (_, index) => ({
        kind: 'email',
        hmac: emailHash(index + 1),
        scope: 'sms',
      })),
      { source: 'national_list' },
    );
    const first = await catchUp(repoussoirFeed(ctx), 250);
    expect(first).toEqual({ head: await readRepoussoirHead(ctx), full: true, changed: 1200 });
    expect(await mirrored()).toEqual(await inForce());
    const reader = await warehouse.connect();
    try {
      expect(await readRepoussoirMirrorHead(reader)).toEqual(first.head);
    } finally {
      reader.closeSync();
    }

    // Nothing changed: nothing read.
    expect(await catchUp(repoussoirFeed(ctx), 250)).toMatchObject({ full: false, changed: 0 });

    // A withdrawal, a contact point withdrawn then added again, and a new entry.
    const one = await addRepoussoirEntry(ctx, actor, { kind: 'email', hmac: emailHash(5000) });
    const again = await addRepoussoirEntry(ctx, actor, { kind: 'email', hmac: emailHash(5001) });
    await catchUp(repoussoirFeed(ctx), 250);
    await withdrawRepoussoirEntry(ctx, actor, one.id, { reason: 'test' });
    await withdrawRepoussoirEntry(ctx, actor, again.id, { reason: 'test' });
    await addRepoussoirEntry(ctx, actor, { kind: 'email', hmac: emailHash(5001) });
    const byPerson1 = await control.db
      .selectFrom('repoussoir_entries')
      .select('id')
      .where('hmac', '=', emailHash(1))
      .where('scope', '=', 'sms')
      .executeTakeFirstOrThrow();
    await withdrawRepoussoirEntry(ctx, actor, byPerson1.id, { reason: 'test' });
    const next = await catchUp(repoussoirFeed(ctx), 2);
    expect(next).toMatchObject({ full: false, changed: 4 });
    expect(await mirrored()).toEqual(await inForce());
    expect((await mirrored()).filter((entry) => entry.includes(emailHash(5001)))).toHaveLength(1);
  });

  it('marks the persons at the next count, and only when the list moved', async () => {
    // The mirror is current, but no count has marked the persons yet.
    await syncPoolRepoussoir(ctx, warehouse);
    expect(await marked()).toEqual([1, 2, 3, 4, 5]);
    const scopes = await query(
      'SELECT person_id, scope FROM person_oppositions WHERE person_id IN (1, 2) ORDER BY 1, 2',
    );
    // Person 1's sms entry was withdrawn; its "all" entry stays.
    expect(scopes).toEqual([
      [1n, 'all'],
      [2n, 'all'],
      [2n, 'sms'],
    ]);
    // Withdrawing every entry of person 3 unmarks them at the next count.
    const person3 = await control.db
      .selectFrom('repoussoir_entries')
      .select('id')
      .where('hmac', '=', emailHash(3))
      .where('withdrawn_at', 'is', null)
      .execute();
    for (const entry of person3) {
      await withdrawRepoussoirEntry(ctx, actor, entry.id, { reason: 'test' });
    }
    await syncPoolRepoussoir(ctx, warehouse);
    expect(await marked()).toEqual([1, 2, 4, 5]);
    expect(await mirrored()).toEqual(await inForce());
  });

  it('leaves the mirror as it was when the control plane fails part-way through a catch-up', async () => {
    const before = await mirrored();
    const heldBefore = await warehouse.withWriter((connection) =>
      readRepoussoirMirrorHead(connection),
    );
    await importRepoussoirEntries(
      ctx,
      actor,
      Array.from({ length: 5 }, (_, index) => ({ kind: 'phone', hmac: emailHash(9000 + index) })),
      {},
    );
    const real = repoussoirFeed(ctx);
    let pages = 0;
    const failing: TRepoussoirFeed = {
      head: real.head,
      changes: async (request) => {
        pages += 1;
        if (pages === 2) throw new Error('control plane unreachable (test)');
        return real.changes(request);
      },
    };
    await expect(
      warehouse.withWriter(async (connection) => {
        await connection.run('BEGIN TRANSACTION');
        try {
          await syncRepoussoirMirror(connection, failing, { pageSize: 2 });
          await connection.run('COMMIT');
        } catch (error) {
          await connection.run('ROLLBACK');
          throw error;
        }
      }),
    ).rejects.toThrow('control plane unreachable');
    expect(await mirrored()).toEqual(before);
    expect(
      await warehouse.withWriter((connection) => readRepoussoirMirrorHead(connection)),
    ).toEqual(heldBefore);
    // The next catch-up reads the same changes again and completes.
    expect(await catchUp(repoussoirFeed(ctx), 2)).toMatchObject({ full: false, changed: 5 });
    expect(await mirrored()).toEqual(await inForce());
  });

  it('reads the list again from the start for another control plane or an older one', async () => {
    // Another control plane (restored elsewhere, replaced): another epoch.
    const other = await createTestControlDb(kind);
    try {
      const otherCtx = { db: other.db, clock: ctx.clock };
      await addRepoussoirEntry(otherCtx, actor, { kind: 'email', hmac: emailHash(4) });
      const replaced = await catchUp(repoussoirFeed(otherCtx), 250);
      expect(replaced).toMatchObject({ full: true, changed: 1 });
      expect(await mirrored()).toEqual([`email:${emailHash(4)}:all`]);
      await syncPoolRepoussoir(otherCtx, warehouse);
      expect(await marked()).toEqual([4]);
    } finally {
      await other.close();
    }
    // Back to the first one, whose head is now behind what the mirror held of its epoch
    // if the mirror had been ahead: both cases start over.
    await catchUp(repoussoirFeed(ctx), 250);
    expect(await mirrored()).toEqual(await inForce());
    await warehouse.withWriter((connection) =>
      connection.run('UPDATE repoussoir_mirror SET version = version + 100'),
    );
    expect(await catchUp(repoussoirFeed(ctx), 250)).toMatchObject({ full: true });
    expect(await mirrored()).toEqual(await inForce());
  });
});
