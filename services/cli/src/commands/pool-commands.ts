import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '@alliage/domain';
import type { Command } from 'commander';
import { formatTable } from '../output.ts';
import { runAdminCommand, runReadCommand } from '../run-admin-command.ts';
import { registerPoolAdoptCommand } from './pool-adopt-command.ts';

/** `alliage pool build|stats|segments|export-identities|adopt` and `alliage reference import`. */
export function registerPoolCommands(program: Command): void {
  const pool = program.command('pool').description('the pool of persons and households (DuckDB)');
  pool
    .command('build')
    .description(
      'delete erased customers held again, purge records past retention, resolve identities and households, refresh segments and repoussoir marks',
    )
    .option('--full', 're-resolve every identity (stable IDs are kept), not only what changed')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const changes = (await backend.buildPool(Boolean(options.full))) as {
          durationMs: number;
          /** The future-dated counts are absent from a server older than their purge. */
          purged: { records: number; futureRecords?: number; futureTransactions?: number };
          suppressed: { customers: number; records: number };
          identities: { recordsResolved: number; personsCreated: number; personsMerged: number };
          /** Absent from a server older than the rewrite of the file after deletions. */
          rewrite?: { reasons: string[] } | null;
        };
        output.result(
          changes,
          () =>
            `pool built in ${(changes.durationMs / 1000).toFixed(1)} s: ${changes.purged.records} records purged, ` +
            `${changes.identities.recordsResolved} records resolved, ${changes.identities.personsCreated} persons created, ` +
            `${changes.identities.personsMerged} merged` +
            // Erased customers the pool held again (restored from an older backup).
            (changes.suppressed.customers > 0
              ? `; ${changes.suppressed.customers} erased customers deleted again (${changes.suppressed.records} records)`
              : '') +
            // Rows dated after tomorrow (loaded before intake refused them).
            ((changes.purged.futureRecords ?? 0) + (changes.purged.futureTransactions ?? 0) > 0
              ? `; future-dated rows deleted: ${changes.purged.futureRecords ?? 0} records, ` +
                `${changes.purged.futureTransactions ?? 0} transactions`
              : '') +
            // Rows deleted since the last rewrite (here or at a drop) left the file's bytes.
            (changes.rewrite
              ? `; pool file rewritten (${changes.rewrite.reasons.join(', ')})`
              : ''),
        );
        return 0;
      }),
    );
  pool
    .command('stats')
    .description('counts of records, persons and households')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const stats = await backend.poolStats();
        output.result(stats, () =>
          [
            `records ${stats.records}, persons ${stats.persons}, households ${stats.households}` +
              ` (encrypted at rest: ${stats.encryptionAtRest ? 'yes' : 'NO'})`,
            formatTable(
              ['member', 'records', 'transactions'],
              stats.recordsByMember.map((row) => [
                row.memberCode,
                String(row.records),
                String(row.transactions),
              ]),
            ),
          ].join('\n'),
        );
        return 0;
      }),
    );
  pool
    .command('segments')
    .description('segment definitions with their counts (small counts shown as "<k")')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const segments = await backend.poolSegments();
        output.result(segments, () =>
          segments
            .map(
              (segment) =>
                `${segment.name} v${segment.version} (${segment.level}): ${segment.values
                  .map((value) => `${value.value}=${value.display}`)
                  .join(', ')}`,
            )
            .join('\n'),
        );
        return 0;
      }),
    );
  pool
    .command('export-identities')
    .description('write member_code,customer_id,person_id,household_id as CSV (operator, audited)')
    .requiredOption('--out <file>', 'CSV file to write (created 0600)')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const csv = await backend.exportPoolIdentities();
        // A new file, 0600 from its creation, renamed over the target: writing into an
        // existing file would keep that file's permissions.
        const temporary = `${options.out}.tmp-${process.pid}`;
        try {
          writeFileSync(temporary, csv, { mode: 0o600, flag: 'wx' });
          renameSync(temporary, options.out);
        } catch (error) {
          rmSync(temporary, { force: true });
          throw error;
        }
        const rows = Math.max(csv.split('\n').length - 2, 0);
        output.result(
          { file: path.resolve(options.out), rows },
          () => `${rows} records written to ${options.out}`,
        );
        return 0;
      }),
    );

  registerPoolAdoptCommand(pool);

  const reference = program
    .command('reference')
    .description('public reference data keyed by commune INSEE code, for segments');
  reference
    .command('import')
    .description('import a public CSV table (e.g. INSEE income by commune) keyed by INSEE code')
    .requiredOption('--file <path>', 'CSV file (UTF-8, with a header line)')
    .option('--key <column>', 'column holding the INSEE commune code', 'insee_code')
    .option('--name <name>', 'table name (default: the file name)')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        let bytes: Buffer;
        try {
          bytes = readFileSync(options.file);
        } catch {
          throw new AppError('validation_failed', `cannot read ${options.file}`, {
            fields: [{ path: '--file', message: 'cannot be read' }],
          });
        }
        let csv: string;
        try {
          // Fatal: a Latin-1 file would otherwise be imported with U+FFFD in its text.
          csv = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          throw new AppError('validation_failed', `${options.file} is not UTF-8 text`, {
            fields: [{ path: '--file', message: 'is not valid UTF-8 text (convert it first)' }],
          });
        }
        const name =
          options.name ??
          path
            .basename(options.file)
            .replace(/\.[^.]*$/, '')
            .toLowerCase()
            .replace(/[^a-z0-9_]+/g, '_')
            .replace(/^[^a-z]+/, '');
        const imported = await backend.importReferenceTable({
          name,
          keyColumn: options.key,
          fileName: path.basename(options.file),
          csv,
        });
        output.result(
          imported,
          () =>
            `reference table ${imported.name}: ${imported.rows} communes, ${imported.columns.length} columns`,
        );
        return 0;
      }),
    );
}
