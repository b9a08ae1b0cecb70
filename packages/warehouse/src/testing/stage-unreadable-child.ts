// Run as a child process by stage-member-file.test.ts:
// `UV_THREADPOOL_SIZE=1 node stage-unreadable-child.ts <pipe directory>`. Its own process,
// so that libuv has the one thread that a blocking open of the pipe used to take for ever.
import { readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { DEFAULT_DIALECT_PROFILE, isAppError } from '@alliage/domain';
import { DuckDBInstance } from '@duckdb/node-api';
import { stageMemberFile } from '../stage-member-file.ts';

/** What the child prints as one JSON line. */
export interface TStageUnreadableReport {
  /** The AppError code staging failed with, or 'resolved' / 'other'. */
  outcome: string;
  retry: boolean | null;
  /** Files left in the pipe directory. */
  leftovers: string[];
}

const pipeDirectory = process.argv[2] as string;
const instance = await DuckDBInstance.create(':memory:');
// No `stage` catalog: DuckDB fails at bind, before it opens the pipe.
const connection = await instance.connect();
const report: TStageUnreadableReport = { outcome: 'resolved', retry: null, leftovers: [] };
try {
  await stageMemberFile({
    connection,
    plaintext: Readable.from([
      Buffer.from(
        'customer_id,transaction_id,date,amount_eur,category,channel\nC1,T1,2025-01-01,1,a,web\n',
      ),
    ]),
    kind: 'transactions',
    dialect: DEFAULT_DIALECT_PROFILE,
    table: 'raw_unreadable',
    pipeDirectory,
  });
} catch (error) {
  report.outcome = isAppError(error) ? error.code : 'other';
  report.retry = isAppError(error) ? error.retry : null;
}
report.leftovers = readdirSync(pipeDirectory);
connection.closeSync();
console.log(JSON.stringify(report));
