import { createHash } from 'node:crypto';
import type { TRepoussoirChange, TRepoussoirFeed, TRepoussoirKind } from '@alliage/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TWarehouse } from './open-warehouse.ts';
import { refreshOppositions } from './refresh-oppositions.ts';
import { createTestWarehouse, insertFixtureRecords, pageOfChanges } from './testing/index.ts';

/** A synthetic keyed hash (test-only: a digest of a label, no secret, no personal data). */
const hash = (label: string) => createHash('sha256').update(`test-only-${label}`).digest('hex');

/** A feed of versioned changes, as the control plane's: head = the last version. */
function versionedFeed(epoch: string) {
  const changes: TRepoussoirChange[] = [];
  let version = 0;
  const feed: TRepoussoirFeed = {
    head: async () => ({ epoch, version }),
    changes: async (request) =>
      pageOfChanges(
        [...changes].sort((a, b) => a.version - b.version || a.id.localeCompare(b.id)),
        request,
      ),
  };
  return {
    feed,
    /** Commits a new version: entries added (by id) or withdrawn (active false). */
    commit(
      entries: {
        id: string;
        kind: TRepoussoirKind;
        label: string;
        scope?: string;
        active?: boolean;
      }[],
    ) {
      version += 1;
      for (const entry of entries) {
        const index = changes.findIndex((change) => change.id === entry.id);
        if (index >= 0) changes.splice(index, 1);
        changes.push({
          id: entry.id,
          version,
          kind: entry.kind,
          hmac: hash(entry.label),
          scope: (entry.scope ?? 'all') as TRepoussoirChange['scope'],
          active: entry.active ?? true,
        });
      }
    },
  };
}

const NO_ONE = 'SELECT NULL::BIGINT AS person_id WHERE false';

describe('refreshOppositions', () => {
  let pool: Awaited<ReturnType<typeof createTestWarehouse>>;
  let warehouse: TWarehouse;

  beforeEach(async () => {
    pool = await createTestWarehouse();
    warehouse = pool.warehouse;
    // Persons 1..6, one record each, hashes of e<N>, m<N> and p<N>.
    await warehouse.withWriter((connection) =>
      insertFixtureRecords(
        connection,
        [1, 2, 3, 4, 5, 6].map((index) => ({
          recordId: index,
          personId: index,
          memberCode: 'M01',
          customerId: `C${index}`,
          createdAt: '2026-01-01',
          emailHmac: hash(`e${index}`),
          mobileHmac: hash(`m${index}`),
          postalHmac: hash(`p${index}`),
        })),
      ),
    );
  });
  afterEach(async () => {
    await pool.cleanup();
  });

  const run = (sql: string) => warehouse.withWriter((connection) => connection.run(sql));
  const refresh = (feed: TRepoussoirFeed, scopePersonsSql?: string) =>
    warehouse.withWriter(async (connection) => {
      await connection.run('BEGIN TRANSACTION');
      const marked = await refreshOppositions(
        connection,
        feed,
        scopePersonsSql === undefined ? {} : { scopePersonsSql },
      );
      await connection.run('COMMIT');
      return marked;
    });
  const rows = async (sql: string) => {
    const connection = await warehouse.connect();
    try {
      return (await connection.runAndReadAll(sql)).getRowsJS().map((row) => row.join(':'));
    } finally {
      connection.closeSync();
    }
  };
  const marks = () =>
    rows('SELECT DISTINCT person_id, scope FROM person_oppositions ORDER BY 1, 2');
  /** The marks as a whole recomputation gives them, by a query of its own. */
  const wholeMarks = () =>
    rows(`SELECT DISTINCT r.person_id, e.scope FROM member_records r JOIN repoussoir_hashes e
      ON e.hmac = CASE e.kind WHEN 'email' THEN r.email_hmac WHEN 'postal' THEN r.postal_hmac END
      OR (e.kind = 'phone' AND e.hmac IN (r.mobile_hmac, r.landline_hmac))
      WHERE r.person_id IS NOT NULL ORDER BY 1, 2`);

  it('marks again only the persons the caller names while the mirror stands still', async () => {
    const { feed, commit } = versionedFeed('t');
    commit([
      { id: 'a', kind: 'email', label: 'e1' },
      { id: 'b', kind: 'phone', label: 'm2', scope: 'sms' },
      { id: 'c', kind: 'postal', label: 'p3', scope: 'postal' },
    ]);
    expect(await refresh(feed)).toBe(3);
    expect(await marks()).toEqual(['1:all', '2:sms', '3:postal']);

    // Person 4's record now holds e1 (re-sent), person 2's record is gone, and person 5's
    // record changed too, but the caller names only 2 and 4: 5 keeps its (absent) mark.
    await run(`UPDATE customer_records SET email_hmac = '${hash('e1')}' WHERE record_id IN (4, 5)`);
    await run('DELETE FROM customer_records WHERE record_id = 2');
    expect(await refresh(feed, 'SELECT 2 AS person_id UNION SELECT 4')).toBe(3);
    expect(await marks()).toEqual(['1:all', '3:postal', '4:all']);

    // Without a scope, every person: 5 too, as a whole recomputation gives.
    expect(await refresh(feed)).toBe(4);
    expect(await marks()).toEqual(['1:all', '3:postal', '4:all', '5:all']);
    expect(await marks()).toEqual(await wholeMarks());
  });

  it('marks again the persons holding a hash the catch-up added or withdrew, whatever the scope', async () => {
    const { feed, commit } = versionedFeed('t');
    commit([
      { id: 'a', kind: 'email', label: 'e1' },
      { id: 'b', kind: 'phone', label: 'm2', scope: 'sms' },
    ]);
    await refresh(feed);
    // Person 3's landline now holds the hash person 6's mobile holds (a shared number).
    await run(`UPDATE customer_records SET landline_hmac = '${hash('m6')}' WHERE record_id = 3`);
    commit([
      { id: 'a', kind: 'email', label: 'e1', active: false },
      { id: 'd', kind: 'phone', label: 'm6', scope: 'phone' },
      { id: 'e', kind: 'postal', label: 'p5', scope: 'postal' },
    ]);
    expect(await refresh(feed, NO_ONE)).toBe(4);
    expect(await marks()).toEqual(['2:sms', '3:phone', '5:postal', '6:phone']);
    expect(await marks()).toEqual(await wholeMarks());
  });

  it('recomputes every mark when they did not follow the mirror, or the mirror is read again', async () => {
    const { feed, commit } = versionedFeed('t');
    commit([{ id: 'a', kind: 'email', label: 'e1' }]);
    await refresh(feed);
    expect(await marks()).toEqual(['1:all']);

    // A refresh with no feed (marks left stale, `repoussoir_sync` emptied), then a change
    // outside any scope: the next scoped refresh cannot trust the marks, and redoes them.
    await run(`UPDATE customer_records SET email_hmac = '${hash('e1')}' WHERE record_id = 5`);
    await run('DELETE FROM repoussoir_sync');
    expect(await refresh(feed, NO_ONE)).toBe(2);
    expect(await marks()).toEqual(['1:all', '5:all']);

    // Another epoch (a control plane restored from a backup): the mirror is read from the
    // start, so a scope says nothing of which entries changed.
    const restored = versionedFeed('restored');
    restored.commit([{ id: 'z', kind: 'postal', label: 'p6', scope: 'postal' }]);
    expect(await refresh(restored.feed, NO_ONE)).toBe(1);
    expect(await marks()).toEqual(['6:postal']);
    expect(await marks()).toEqual(await wholeMarks());
  });
});
