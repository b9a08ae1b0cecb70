import type { TRepoussoirFeed } from '@alliage/domain';
import type { DuckDBConnection } from '@duckdb/node-api';
import { assignHouseholds, type THouseholdChanges } from './assign-households.ts';
import { dropStageTables } from './drop-stage-tables.ts';
import { markPoolRewriteDue } from './mark-pool-rewrite-due.ts';
import { purgeExpiredRecords, type TExpiredCounts } from './purge-expired-records.ts';
import { purgeFutureDatedRows } from './purge-future-dated-rows.ts';
import { refreshDeliveredSuppliers } from './refresh-delivered-suppliers.ts';
import { refreshOppositions } from './refresh-oppositions.ts';
import { refreshRecordActivity } from './refresh-record-activity.ts';
import { refreshSegments, type TSegmentChanges } from './refresh-segments.ts';
import { copySplitPersonRows, repointMergedPersons } from './repoint-merged-persons.ts';
import { resolveIdentities, type TIdentityChanges } from './resolve-identities.ts';

/** What one refresh's purge deleted, in counts (for its audit event). */
export interface TPurgeCounts extends TExpiredCounts {
  /** Records whose `created_at` is after the day after today (see `purgeFutureDatedRows`). */
  futureRecords: number;
  /** Transactions dated after the day after today. */
  futureTransactions: number;
}

/** What one refresh of the pool changed, in counts (for audit events and reports). */
export interface TPoolChanges {
  purged: TPurgeCounts;
  identities: TIdentityChanges;
  households: THouseholdChanges;
  segments: TSegmentChanges;
  /** Persons marked by the repoussoir (null when no feed was given). */
  opposedPersons: number | null;
  /** Rows of "delivered to client X" deleted because their person is gone. */
  deliveredPersonsRows: number;
  /** Rows of "member M supplied this delivered person" deleted: M holds no record of it any more. */
  deliverySupplierRows: number;
}

export interface RefreshPoolOptions {
  connection: DuckDBConnection;
  /** Members whose activity and retention are re-evaluated, with their retention in force. */
  retentionMonthsByMember: Map<string, number>;
  /** TEMP table (record_id, person_id) of records the caller changed; null for none. */
  changedRecordsTable: string | null;
  /**
   * TEMP table (member_code, customer_id) whose records or transactions the caller changed
   * (every one: duplicates allowed): only their activity and their persons' segments are
   * refreshed. Null: every customer's and person's (a build).
   */
  affectedCustomersTable?: string | null;
  /**
   * Whether the caller wrote the affected customers' records (their keyed hashes with
   * them), so their persons' repoussoir marks are recomputed; false when it changed only
   * their transactions (a transactions file). Default true.
   */
  affectedRecordsRewritten?: boolean;
  /** Re-resolve every identity and household rather than what changed. */
  full?: boolean;
  /** Sector of every member (member_code → sector): per-sector segments. */
  memberSectors: Map<string, string>;
  /** The repoussoir: the mirror catches up and the persons it matches are marked again. */
  repoussoir: TRepoussoirFeed | null;
  /**
   * The platform's HMAC secret, keying what the retention purge remembers of the customers
   * it deletes: required when `retentionMonthsByMember` names a member.
   */
  hmacSecret?: string;
  /** ISO date of the platform clock. */
  today: string;
  now: Date;
}

/**
 * Brings the derived pool up to date after a change, inside the caller's
 * transaction: rows dated after the day after today (which intake refuses, kept by a
 * pool loaded before), activity aggregates, the retention purge (marking the pool file
 * for a rewrite when either deleted anything), identity resolution (forgetting the deliveries
 * of persons gone, and which member supplied a delivered person once that member holds
 * no record of it), households and segments.
 *
 * @example
 * const changes = await refreshPool({ connection, retentionMonthsByMember, changedRecordsTable, today, now });
 */
export async function refreshPool(options: RefreshPoolOptions): Promise<TPoolChanges> {
  const { connection } = options;
  const changed = options.changedRecordsTable ?? 'pool_refresh_changed';
  if (!options.changedRecordsTable) {
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE ${changed} (record_id BIGINT, person_id BIGINT)`,
    );
  }
  // Customers whose activity changed: the caller's, else (a build) those whose
  // future-dated transactions the purge below deletes, for their households.
  const activityChanged = options.affectedCustomersTable ?? 'purge_activity_changed';
  if (!options.affectedCustomersTable) {
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE ${activityChanged} (member_code VARCHAR, customer_id VARCHAR)`,
    );
  }
  const memberCodes = [...options.retentionMonthsByMember.keys()];
  let purged: TPurgeCounts = {
    records: 0,
    transactions: 0,
    heldExpired: 0,
    futureRecords: 0,
    futureTransactions: 0,
  };
  if (memberCodes.length > 0) {
    if (options.hmacSecret === undefined) {
      throw new Error('refreshPool: a retention pass needs the HMAC secret (hmacSecret)');
    }
    // Dates intake refuses go first: activity is then computed without them, and the
    // retention purge sees the customers' real last activity.
    const future = await purgeFutureDatedRows({
      connection,
      memberCodes,
      today: options.today,
      changedRecordsTable: changed,
      affectedCustomersTable: activityChanged,
    });
    // A drop names the customers whose transactions it changed (future-dated ones included,
    // just above); a build recomputes every customer of the members.
    await refreshRecordActivity(connection, memberCodes, {
      scopeTable: options.full ? null : (options.affectedCustomersTable ?? null),
    });
    const expired = await purgeExpiredRecords({
      connection,
      retentionMonthsByMember: options.retentionMonthsByMember,
      today: options.today,
      changedRecordsTable: changed,
      hmacSecret: options.hmacSecret,
    });
    purged = { ...expired, futureRecords: future.records, futureTransactions: future.transactions };
    // The purged rows' bytes stay in the file until it is rewritten: the next daily pass does.
    if (future.records + future.transactions > 0) {
      await markPoolRewriteDue(connection, 'future_dated', options.now);
    }
    if (expired.records + expired.transactions + expired.heldExpired > 0) {
      await markPoolRewriteDue(connection, 'retention', options.now);
    }
  }
  const identities = await resolveIdentities({
    connection,
    changedRecordsTable: changed,
    full: options.full ?? false,
    now: options.now,
  });
  const deliveredPersonsRows = await forgetDeliveriesOfGonePersons(connection);
  const deliverySupplierRows = await refreshDeliveredSuppliers(connection);
  const households = await assignHouseholds({
    connection,
    full: options.full ?? false,
    activityChangedTable: activityChanged,
    now: options.now,
  });
  // Scores move with the calendar: a build (daily or on demand) refreshes every person.
  const segments = await refreshSegments({
    connection,
    full: (options.full ?? false) || !options.affectedCustomersTable,
    memberSectors: options.memberSectors,
    memberCodes: [],
    affectedCustomersTable: options.affectedCustomersTable ?? null,
    today: options.today,
    now: options.now,
  });
  const opposedPersons = options.repoussoir
    ? await refreshOppositions(connection, options.repoussoir, {
        scopePersonsSql: oppositionScopeSql(options, changed),
      })
    : null;
  // Person IDs may have changed: without a feed to catch up from, let the next
  // selection catch the mirror up and recompute the marks.
  if (!options.repoussoir) await connection.run('DELETE FROM repoussoir_sync');
  await dropRefreshScratch(connection);
  return {
    purged,
    identities,
    households,
    segments,
    opposedPersons,
    deliveredPersonsRows,
    deliverySupplierRows,
  };
}

/**
 * The persons whose repoussoir marks a refresh may have changed, or undefined for every
 * person (a full build, or a caller that names no affected customers): the persons the
 * resolution re-resolved or retired, the previous persons of the changed records, and,
 * unless the caller changed their transactions only, the persons of every affected
 * customer's records (new, or re-written by the merge with a value changed, their hashes
 * with them, even when no identity field changed). Records a transactions file brings out
 * of hold are changed records, resolved like new ones.
 */
function oppositionScopeSql(options: RefreshPoolOptions, changed: string): string | undefined {
  if (options.full || !options.affectedCustomersTable) return undefined;
  const scope = `SELECT person_id FROM ir_touched_persons
    UNION
    SELECT person_id FROM ${changed}`;
  if (options.affectedRecordsRewritten === false) return scope;
  return `${scope}
    UNION
    SELECT r.person_id FROM member_records r
    JOIN ${options.affectedCustomersTable} a ON a.member_code = r.member_code AND a.customer_id = r.customer_id`;
}

/**
 * Deletes the "delivered to client X" rows of the persons the resolution just retired as
 * gone (`ir_retired`), whatever removed their last record: a purge, an erasure, an
 * offboarding, a full file that no longer lists them. A person merged into another is
 * not gone: its rows move to the successor, so "exclude persons delivered to me" still
 * excludes them, and they go when the successor does (on the merged-away ID they would
 * match no one and never be deleted).
 */
async function forgetDeliveriesOfGonePersons(connection: DuckDBConnection): Promise<number> {
  await copySplitPersonRows(connection, 'delivered_persons');
  await repointMergedPersons(connection, 'delivered_persons');
  const gone = "SELECT person_id FROM ir_retired WHERE reason = 'gone'";
  const rows = Number(
    (
      await connection.runAndReadAll(
        `SELECT count(*) FROM delivered_persons WHERE person_id IN (${gone})`,
      )
    ).getRowsJS()[0]?.[0] ?? 0,
  );
  if (rows > 0) {
    await connection.run(`DELETE FROM delivered_persons WHERE person_id IN (${gone})`);
  }
  return rows;
}

// Prefixes of the TEMP tables the refresh steps leave, and the one table a caller still
// reads afterwards (what was retired: deleteMemberData erases their profiles).
const SCRATCH_PREFIXES = ['ir', 'hh', 'sg', 'purge', 'rp'];
const SCRATCH_TABLES_KEPT = ['ir_retired'];

/**
 * Drops the refresh's scratch tables. They hold slices of the pool's records (all of
 * it after a full build: nodes, blocking keys, pairs, profiles' inputs) and would
 * otherwise stay in the writer's memory until the next refresh replaced them, leaving
 * the next drop to work under DuckDB's memory limit with less room, and keeping copies
 * of records longer than the work that needed them.
 */
async function dropRefreshScratch(connection: DuckDBConnection): Promise<void> {
  await dropStageTables(connection, SCRATCH_PREFIXES, SCRATCH_TABLES_KEPT);
}
