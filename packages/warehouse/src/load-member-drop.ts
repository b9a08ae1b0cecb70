import type { Readable } from 'node:stream';
import type { TDialectProfile, TMemberFileKind, TRepoussoirFeed, TRowError } from '@alliage/domain';
import type { DuckDBConnection } from '@duckdb/node-api';
import { asRetryableResourceError } from './as-retryable-resource-error.ts';
import { dropStageTables } from './drop-stage-tables.ts';
import { isPoolInvalidatedError } from './is-pool-invalidated-error.ts';
import { markPoolRewriteDue } from './mark-pool-rewrite-due.ts';
import { prepareCustomerMerge, type TMergeResult } from './merge-staged-customers.ts';
import { prepareTransactionMerge } from './merge-staged-transactions.ts';
import { normalizeStagedCustomers } from './normalize-staged-customers.ts';
import { normalizeStagedTransactions } from './normalize-staged-transactions.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { refreshPool, type TPoolChanges } from './refresh-pool.ts';
import { runPoolTransaction } from './run-pool-transaction.ts';
import { sqlIdentifier } from './sql-literal.ts';
import { stageMemberFile } from './stage-member-file.ts';

export interface LoadMemberDropOptions {
  warehouse: TWarehouse;
  fileDropId: string;
  memberCode: string;
  kind: TMemberFileKind;
  /** A `customers` delta adds and updates; a full `customers` file also removes who it omits. */
  delta: boolean;
  dialect: TDialectProfile;
  plaintext: ReadableStream<Uint8Array> | Readable;
  /** Settles when the signature is checked: nothing is written to the pool before it resolves. */
  verified: Promise<unknown>;
  maxRejectedRowRatio: number;
  /** The member's retention in force, in months (at most 36). */
  retentionMonths: number;
  /** Sector of every member (member_code → sector), for per-sector segments. */
  memberSectors: Map<string, string>;
  /** The repoussoir, for the mirror to catch up and the persons it matches to be marked. */
  repoussoir: TRepoussoirFeed;
  /** The platform's HMAC secret: record contact points are hashed with it. */
  hmacSecret: string;
  /**
   * Reads the HMACs of `customerSuppressionKey(member, customerId)` of this member's
   * customers erased on a rights request: their rows are dropped and counted as
   * `suppressed`. Called once the load holds the pool's writer, right before the merge:
   * an erasure recording its suppressions later reaches the writer after this load and
   * deletes what it merged, one recorded earlier is in the list (read before the writer,
   * an erasure could delete first and the load bring its customers back).
   */
  readSuppressedCustomerHmacs?: () => Promise<readonly string[]>;
  /** The platform clock's now. */
  now: Date;
  /** When the drop was received: the collection date of records without `created_at`. */
  receivedAt: Date;
  /** Most row errors kept in the report. */
  maxRowErrors?: number;
}

/** How many of a file's rows were accepted, and the errors reported for the others. */
interface TRowsVerdict {
  rows: { total: number; accepted: number; rejected: number };
  rowErrors: TRowError[];
}

/** What a load did, in counts (never content). */
export type TDropLoadSummary = TMergeResult['counts'] & { pool: TPoolChanges };

/** Where the time of a load went, in milliseconds (for benchmarks and logs). */
export interface TDropLoadTimings {
  /** Decrypt, transcode, split and read into DuckDB (they stream together). */
  stageMs: number;
  normalizeMs: number;
  mergeMs: number;
  /** Activity, purge, identities, households (and segments). */
  refreshMs: number;
}

export type TDropLoadResult =
  | {
      outcome: 'loaded' | 'already_loaded';
      timings?: TDropLoadTimings;
      rows: { total: number; accepted: number; rejected: number };
      rowErrors: TRowError[];
      summary: TDropLoadSummary | null;
    }
  | {
      outcome: 'rejected';
      reason: 'malformed' | 'bad_header' | 'too_many_bad_rows';
      detail: string;
      rows: { total: number; accepted: number; rejected: number } | null;
      rowErrors: TRowError[];
    };

/**
 * Loads one member file into the pool: stage the clear stream in memory,
 * validate and normalise in bulk, wait for the signature, then — in ONE DuckDB
 * transaction — merge the records or transactions, apply retention, and update
 * identities, households and segments. A crash or error at any point leaves the
 * pool exactly as it was; a drop already loaded is not loaded twice.
 *
 * @example
 * const result = await loadMemberDrop({ warehouse, fileDropId, memberCode: 'M01', kind: 'customers', delta: false,
 *   dialect, plaintext, verified, maxRejectedRowRatio: 0.05, retentionMonths: 36, now, receivedAt });
 */
export async function loadMemberDrop(options: LoadMemberDropOptions): Promise<TDropLoadResult> {
  // What the file's rows came to, once the load reaches the pool's transaction.
  let verdict: TRowsVerdict | null = null as TRowsVerdict | null;
  try {
    return await options.warehouse.withWriter(async (connection) => {
      const prefix = `d_${options.fileDropId.replaceAll('-', '')}`;
      try {
        return await loadWithWriter(connection, options, prefix, (reached) => {
          verdict = reached;
        });
      } catch (error) {
        throw asRetryableResourceError(error);
      } finally {
        await dropStageTables(connection, [prefix]);
      }
    });
  } catch (error) {
    if (!verdict || !isPoolInvalidatedError(error)) throw error;
    // The automatic checkpoint a COMMIT sets off can fail (a full disk, an I/O error)
    // after the commit is in the log: DuckDB then reports the failure and invalidates the
    // pool, which `withWriter` attaches again, replaying the log. If the drop is there,
    // it is loaded: said so now, rather than failed now and `already_loaded` on a retry.
    const summary = await options.warehouse
      .withWriter((connection) => readLoadedDropSummary(connection, options.fileDropId))
      .catch(() => undefined);
    if (summary === undefined) throw error;
    return { outcome: 'loaded', ...verdict, summary };
  }
}

/** The summary stored with a loaded drop; undefined when the pool does not hold it. */
async function readLoadedDropSummary(
  connection: DuckDBConnection,
  fileDropId: string,
): Promise<TDropLoadSummary | null | undefined> {
  const found = await connection.runAndReadAll(
    'SELECT summary FROM loaded_drops WHERE file_drop_id = $1',
    [fileDropId],
  );
  if (found.currentRowCount === 0) return undefined;
  const stored = found.getRowsJS()[0]?.[0];
  return typeof stored === 'string' ? (JSON.parse(stored) as TDropLoadSummary) : null;
}

async function loadWithWriter(
  connection: DuckDBConnection,
  options: LoadMemberDropOptions,
  prefix: string,
  onVerdict: (verdict: TRowsVerdict) => void,
): Promise<TDropLoadResult> {
  const maxRowErrors = options.maxRowErrors ?? 1000;
  const clock = { start: performance.now() };
  const lap = () => {
    const now = performance.now();
    const elapsed = Math.round(now - clock.start);
    clock.start = now;
    return elapsed;
  };
  const alreadyLoaded = await readLoadedDropSummary(connection, options.fileDropId);
  const staging = stageMemberFile({
    connection,
    plaintext: options.plaintext,
    kind: options.kind,
    dialect: options.dialect,
    table: `${prefix}_raw`,
    pipeDirectory: options.warehouse.pipeDirectory ?? undefined,
  });
  let staged: Awaited<typeof staging>;
  try {
    [staged] = await Promise.all([staging, options.verified]);
  } catch (error) {
    staging.catch(() => undefined);
    options.verified.catch(() => undefined);
    throw error;
  }
  if (staged.malformed) {
    return {
      outcome: 'rejected',
      reason: 'malformed',
      detail: staged.malformed,
      rows: null,
      rowErrors: [],
    };
  }
  if (staged.headerIssues.length > 0 || !staged.stagedTable) {
    return {
      outcome: 'rejected',
      reason: 'bad_header',
      detail: staged.headerIssues
        .map((issue) => (issue.column ? `column ${issue.column}: ${issue.reason}` : issue.reason))
        .join('; '),
      rows: null,
      rowErrors: [],
    };
  }

  if (options.kind === 'customers' && !options.delta && staged.rowCount === 0) {
    // A full base removes whom it omits: an empty one (typically a failed export) would
    // delete every record of the member. Removing a whole base is offboarding's job.
    return {
      outcome: 'rejected',
      reason: 'malformed',
      detail:
        'the file holds no records: a full customers file lists the whole base (to remove it, ask for offboarding)',
      rows: null,
      rowErrors: [],
    };
  }

  const stageMs = lap();
  const normalizeOptions = {
    connection,
    stagedTable: staged.stagedTable,
    columns: staged.columns,
    dialect: options.dialect,
    prefix,
    receivedDate: options.receivedAt.toISOString().slice(0, 10),
  };
  if (options.kind === 'customers') await normalizeStagedCustomers(normalizeOptions);
  else await normalizeStagedTransactions(normalizeOptions);

  const normalizeMs = lap();
  const errorsTable = `stage.${sqlIdentifier(`${prefix}_errors`)}`;
  const fatal = Number(
    (
      await connection.runAndReadAll(`SELECT count(DISTINCT line) FROM ${errorsTable} WHERE fatal`)
    ).getRowsJS()[0]?.[0] ?? 0,
  );
  const fieldErrors = (
    await connection.runAndReadAll(
      `SELECT line, column_name, reason FROM ${errorsTable} ORDER BY line, column_name LIMIT ${maxRowErrors}`,
    )
  )
    .getRowsJS()
    .map(([line, column, reason]) => ({
      line: Number(line),
      column: (column as string | null) ?? null,
      reason: String(reason),
    }));
  const rowErrors = [...staged.recordErrors, ...fieldErrors]
    .sort((a, b) => a.line - b.line)
    .slice(0, maxRowErrors);
  const rejected = staged.refusedCount + fatal;
  const rows = { total: staged.rowCount, accepted: staged.rowCount - rejected, rejected };
  if (rows.total > 0 && rejected / rows.total > options.maxRejectedRowRatio) {
    return {
      outcome: 'rejected',
      reason: 'too_many_bad_rows',
      detail: `${rejected} of ${rows.total} rows are invalid (more than ${Math.round(options.maxRejectedRowRatio * 100)}%)`,
      rows,
      rowErrors,
    };
  }
  if (alreadyLoaded !== undefined) {
    // The pool already holds this drop (a retry after a crash past the commit).
    return { outcome: 'already_loaded', rows, rowErrors, summary: alreadyLoaded };
  }

  const today = options.now.toISOString().slice(0, 10);
  // Read now that this load holds the writer (see readSuppressedCustomerHmacs).
  const suppressedCustomerHmacs = (await options.readSuppressedCustomerHmacs?.()) ?? [];
  const merge = {
    connection,
    prefix,
    memberCode: options.memberCode,
    fileDropId: options.fileDropId,
    retentionMonths: options.retentionMonths,
    hmacSecret: options.hmacSecret,
    suppressedCustomerHmacs,
    today,
    now: options.now,
  };
  // The merge's reads land in TEMP tables before the transaction opens (the one writer
  // holds the pool meanwhile), so DuckDB scans them on every thread.
  const applyMerge =
    options.kind === 'customers'
      ? await prepareCustomerMerge({ ...merge, delta: options.delta })
      : await prepareTransactionMerge(merge);
  // The prepared TEMP tables now hold what the merge needs (with the full file's customer
  // list): the staged file's tables go before the pool transaction, as nothing dropped
  // inside it is freed before it commits (a 2M-customer file: ~0.9 GB of DuckDB's memory).
  await dropStageTables(connection, [prefix], [`${prefix}_listed`], ['stage']);
  onVerdict({ rows, rowErrors });
  // One transaction for every pool write (scratch work goes to TEMP tables, allowed inside it).
  let mergeMs = 0;
  const summary = await runPoolTransaction(options.warehouse, connection, async () => {
    const merged = await applyMerge();
    mergeMs = lap();
    const pool = await refreshPool({
      connection,
      retentionMonthsByMember: new Map([[options.memberCode, options.retentionMonths]]),
      changedRecordsTable: merged.changedRecordsTable,
      affectedCustomersTable: merged.affectedCustomersTable,
      // A transactions file writes no record: no keyed hash changes but resolution's.
      affectedRecordsRewritten: options.kind === 'customers',
      hmacSecret: options.hmacSecret,
      memberSectors: options.memberSectors,
      repoussoir: options.repoussoir,
      today,
      now: options.now,
    });
    const summary: TDropLoadSummary = { ...merged.counts, pool };
    // What the merge itself deleted or overwrote (records the file shows expired, customers a
    // full file omits, values it replaced) stays in the file's free blocks: the next daily
    // pass rewrites the file.
    for (const reason of merged.rewriteReasons) {
      await markPoolRewriteDue(connection, reason, options.now);
    }
    await connection.run(
      'INSERT INTO loaded_drops (file_drop_id, member_code, kind, loaded_at, summary) VALUES ($1, $2, $3, $4, $5)',
      [
        options.fileDropId,
        options.memberCode,
        options.kind,
        options.now.toISOString(),
        JSON.stringify(summary),
      ],
    );
    return summary;
  });
  const timings = { stageMs, normalizeMs, mergeMs, refreshMs: lap() };
  return { outcome: 'loaded', rows, rowErrors, summary, timings };
}
