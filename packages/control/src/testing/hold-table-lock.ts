import { type Kysely, sql } from 'kysely';
import type { ControlSchema } from '../schema.ts';

/** A table lock a test holds open (PostgreSQL only), and how many sessions queue behind it. */
export interface THeldTableLock {
  /** Sessions waiting on the lock, directly or behind a session that waits on it. */
  waiters: () => Promise<number>;
  /** Ends the holding transaction (rollback), letting the waiters through. */
  release: () => Promise<void>;
}

/**
 * Takes a lock on a table of the test's schema in its own transaction and keeps it until
 * `release`, so that a test can line concurrent operations up behind it and check, with
 * `waiters`, that they wait (and for whom) before letting them go. PostgreSQL only: PGlite
 * has one session, where nothing ever waits.
 *
 * @example
 * const lock = await holdTableLock(control.db, 'selection_counts', 'SHARE');
 */
export async function holdTableLock(
  db: Kysely<ControlSchema>,
  table: string,
  mode: 'SHARE' | 'EXCLUSIVE',
): Promise<THeldTableLock> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked: (pid: number) => void = () => {};
  const holder = new Promise<number>((resolve) => {
    locked = resolve;
  });
  const transaction = db
    .transaction()
    .execute(async (trx) => {
      await sql`LOCK TABLE ${sql.table(table)} IN ${sql.raw(mode)} MODE`.execute(trx);
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
      locked(Number(rows[0]?.pid));
      await released;
      // Rolled back: the lock was all this transaction was for.
      throw new HeldLockReleased();
    })
    .catch((error: unknown) => {
      if (!(error instanceof HeldLockReleased)) throw error;
    });
  const pid = await Promise.race([holder, transaction.then(() => Number.NaN)]);
  if (Number.isNaN(pid)) throw new Error(`could not lock ${table}`);
  return {
    // Every session blocked by the holder, or by one of those (a queue of lock waits).
    waiters: async () => {
      const { rows } = await sql<{ count: number }>`
        WITH RECURSIVE blocked(pid) AS (
          SELECT pid FROM pg_stat_activity WHERE ${pid}::int = ANY (pg_blocking_pids(pid))
          UNION
          SELECT activity.pid FROM pg_stat_activity activity
          JOIN blocked ON blocked.pid = ANY (pg_blocking_pids(activity.pid))
        )
        SELECT count(*)::int AS count FROM blocked`.execute(db);
      return rows[0]?.count ?? 0;
    },
    release: async () => {
      release();
      await transaction;
    },
  };
}

class HeldLockReleased extends Error {}
