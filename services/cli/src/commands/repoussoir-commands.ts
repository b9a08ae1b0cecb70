import { readFileSync } from 'node:fs';
import { AppError, REPOUSSOIR_IMPORT_MAX_ENTRIES } from '@alliage/domain';
import type { Command } from 'commander';
import { formatTable, type Output } from '../output.ts';
import { runAdminCommand, runReadCommand } from '../run-admin-command.ts';

/** An import of a larger file says how far it got every this many entries. */
const PROGRESS_EVERY_ENTRIES = 200_000;
const SCOPE_HELP = 'channels closed: all, postal, email, sms or phone';
const SOURCE_HELP =
  'where it comes from: operator, subject_request, member_optout or national_list';
const REFERENCE_HELP =
  'request or decision reference (ticket, letter, list version); never the value';

/** `alliage repoussoir add|import`: the do-not-contact list, stored as keyed hashes only. */
export function registerRepoussoirCommands(program: Command): void {
  const repoussoir = program
    .command('repoussoir')
    .description('the do-not-contact list (contact points stored as keyed hashes only)');
  repoussoir
    .command('add')
    .description(
      'add one contact point; postal identities are LAST NAME|FIRST NAME|POSTCODE|STREET LINE (the LOCALITY for a lieu-dit with no street line)',
    )
    .requiredOption('--kind <kind>', 'email, phone or postal')
    .requiredOption('--value <value>', 'the contact point, or - to read it from stdin')
    .option('--scope <scope>', SCOPE_HELP, 'all')
    .option('--source <source>', SOURCE_HELP, 'operator')
    .option('--reference <reference>', REFERENCE_HELP)
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const value = options.value === '-' ? readFirstLine(0) : options.value;
        const entry = await backend.addRepoussoirEntry({
          kind: options.kind,
          value,
          scope: options.scope,
          source: options.source,
          ...(options.reference === undefined ? {} : { sourceReference: options.reference }),
        });
        output.result(
          entry,
          () =>
            `${entry.alreadyPresent ? 'already in the repoussoir' : 'added to the repoussoir'}: ${entry.kind}, scope ${entry.scope} (entry ${entry.id})`,
        );
        return 0;
      }),
    );
  repoussoir
    .command('import')
    .description(
      'import a CSV file with header kind,value (one scope and source for the whole file)',
    )
    .requiredOption('--file <path>', 'CSV file: header kind,value then one contact point a line')
    .option('--scope <scope>', SCOPE_HELP, 'all')
    .option('--source <source>', SOURCE_HELP, 'operator')
    .option('--reference <reference>', REFERENCE_HELP)
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        // Streamed twice: every line checked first, so a bad file is refused whole by line
        // number; then read again batch by batch into the import.
        const { checkRepoussoirCsv, repoussoirCsvBatches } = await import(
          '../read-repoussoir-csv.ts'
        );
        const csv = await checkRepoussoirCsv(options.file);
        const { added, alreadyPresent } = await backend.importRepoussoirList(
          {
            scope: options.scope,
            source: options.source,
            ...(options.reference === undefined ? {} : { sourceReference: options.reference }),
          },
          withProgress(
            repoussoirCsvBatches(csv, REPOUSSOIR_IMPORT_MAX_ENTRIES),
            csv.entries,
            output,
          ),
        );
        output.result(
          { file: options.file, entries: csv.entries, added, alreadyPresent },
          () =>
            `${options.file}: ${csv.entries} entries, ${added} added, ${alreadyPresent} already in the repoussoir`,
        );
        return 0;
      }),
    );
  repoussoir
    .command('withdraw')
    .description(
      'withdraw by a recorded decision (the reason stays on each entry): one entry by --id, or every entry in force of one --source and --reference (a superseded list version)',
    )
    .option('--id <entryId>', 'the entry to withdraw')
    .option('--source <source>', 'with --reference: the provenance whose entries are withdrawn')
    .option('--reference <reference>', 'with --source: the request or list version withdrawn')
    .requiredOption('--reason <text>', 'the decision behind the withdrawal')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const byProvenance = options.source !== undefined || options.reference !== undefined;
        if (byProvenance === (options.id !== undefined)) {
          throw new AppError(
            'validation_failed',
            'name what to withdraw: --id, or --source with --reference (not both)',
          );
        }
        if (!byProvenance) {
          const entry = await backend.withdrawRepoussoirEntry(options.id, options.reason);
          output.result(entry, () => `repoussoir entry ${entry.id} withdrawn`);
          return 0;
        }
        if (options.source === undefined || options.reference === undefined) {
          throw new AppError('validation_failed', '--source and --reference go together');
        }
        const result = await backend.withdrawRepoussoirProvenance({
          source: options.source,
          sourceReference: options.reference,
          reason: options.reason,
        });
        output.result(
          result,
          () =>
            `${result.withdrawn} repoussoir entries withdrawn (${Object.entries(result.kinds)
              .map(([kind, count]) => `${kind} ${count}`)
              .join(', ')}); entries of other sources and references stay in force`,
        );
        return 0;
      }),
    );
  repoussoir
    .command('stats')
    .description('entries by source, scope and kind, in force and withdrawn (never values)')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const stats = await backend.repoussoirStats();
        output.result(stats, () =>
          [
            `${stats.active} entries in force, ${stats.withdrawn} withdrawn`,
            formatTable(
              ['source', 'scope', 'kind', 'in force', 'withdrawn'],
              stats.bySourceAndScope.map((row) => [
                row.source,
                row.scope,
                row.kind,
                String(row.active),
                String(row.withdrawn),
              ]),
            ),
          ].join('\n'),
        );
        return 0;
      }),
    );
}

/** The batches as they are read, saying how far the read got (a national list takes minutes). */
async function* withProgress<T>(
  batches: AsyncIterable<readonly T[]>,
  entries: number,
  output: Output,
): AsyncGenerator<readonly T[]> {
  let read = 0;
  for await (const batch of batches) {
    yield batch;
    read += batch.length;
    if (read % PROGRESS_EVERY_ENTRIES === 0 && read < entries) {
      output.info(`${read} of ${entries} entries read (in force only once all are in)`);
    }
  }
}

/** The first line of a file descriptor (stdin), so a value stays out of the shell history. */
function readFirstLine(fd: number): string {
  return (readFileSync(fd, 'utf8').split(/\r?\n/)[0] ?? '').trim();
}
