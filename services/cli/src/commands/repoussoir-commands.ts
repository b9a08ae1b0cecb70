import { readFileSync } from 'node:fs';
import {
  AppError,
  REPOUSSOIR_IMPORT_MAX_ENTRIES,
  REPOUSSOIR_VALUE_MAX_LENGTH,
  type TFieldIssue,
  type TRepoussoirValue,
  ZRepoussoirKind,
} from '@alliage/domain';
import { repoussoirKey } from '@alliage/normalize';
import type { Command } from 'commander';
import { CsvError, parse } from 'csv-parse/sync';
import { formatTable } from '../output.ts';
import { runAdminCommand, runReadCommand } from '../run-admin-command.ts';

const SCOPE_HELP = 'channels closed: all, postal, email, sms or phone';
const SOURCE_HELP =
  'where it comes from: operator, subject_request, member_optout or national_list';
const REFERENCE_HELP =
  'request or decision reference (ticket, letter, list version); never the value';
/** A refused file lists at most this many bad lines. */
const MAX_LISTED_LINES = 100;

/** `alliage repoussoir add|import`: the do-not-contact list, stored as keyed hashes only. */
export function registerRepoussoirCommands(program: Command): void {
  const repoussoir = program
    .command('repoussoir')
    .description('the do-not-contact list (contact points stored as keyed hashes only)');
  repoussoir
    .command('add')
    .description(
      'add one contact point; postal identities are LAST NAME|FIRST NAME|POSTCODE|STREET LINE',
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
        const lines = readRepoussoirCsv(options.file);
        let added = 0;
        let alreadyPresent = 0;
        // The API takes at most 10,000 entries a request: larger files go in batches, each
        // its own transaction and audit event. Every line was checked above, so a batch
        // is refused only by something that would refuse them all.
        for (let start = 0; start < lines.length; start += REPOUSSOIR_IMPORT_MAX_ENTRIES) {
          const batch = lines.slice(start, start + REPOUSSOIR_IMPORT_MAX_ENTRIES);
          let result: { added: number; alreadyPresent: number };
          try {
            result = await backend.importRepoussoir({
              entries: batch.map(({ kind, value }) => ({ kind, value })),
              scope: options.scope,
              source: options.source,
              ...(options.reference === undefined ? {} : { sourceReference: options.reference }),
            });
          } catch (error) {
            if (start > 0) {
              output.info(
                `lines ${lines[0]?.line} to ${lines[start - 1]?.line} were imported before this error`,
              );
            }
            throw error;
          }
          added += result.added;
          alreadyPresent += result.alreadyPresent;
        }
        output.result(
          { file: options.file, entries: lines.length, added, alreadyPresent },
          () =>
            `${options.file}: ${lines.length} entries, ${added} added, ${alreadyPresent} already in the repoussoir`,
        );
        return 0;
      }),
    );
  repoussoir
    .command('withdraw')
    .description('withdraw an entry by a recorded decision (the reason stays on the entry)')
    .requiredOption('--id <entryId>', 'the entry to withdraw')
    .requiredOption('--reason <text>', 'the decision behind the withdrawal')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const entry = await backend.withdrawRepoussoirEntry(options.id, options.reason);
        output.result(entry, () => `repoussoir entry ${entry.id} withdrawn`);
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

/** One data line of a repoussoir CSV, with its line number in the file. */
interface TRepoussoirCsvLine extends TRepoussoirValue {
  line: number;
}

/**
 * Reads a `kind,value` CSV and checks every line with the same normaliser the platform
 * uses, so a bad file is refused whole, by line number, before anything is sent. Errors
 * never quote a value (csv-parse's own messages can, so only their code is kept).
 */
function readRepoussoirCsv(file: string): TRepoussoirCsvLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new AppError('validation_failed', `cannot read ${file}`, {
      fields: [{ path: '--file', message: 'cannot be read' }],
    });
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // csv-parse's types leave out `info: true`, which wraps each record with its line number.
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as typeof records;
  } catch (error) {
    const where = error instanceof CsvError ? `line ${error.lines}` : '--file';
    const code = error instanceof CsvError ? ` (${error.code})` : '';
    throw new AppError('validation_failed', `${file} is not a readable CSV file`, {
      fields: [{ path: where, message: `not valid CSV${code}` }],
    });
  }
  const [header, ...rows] = records;
  const columns = header?.record.map((name) => name.trim().toLowerCase());
  if (columns?.length !== 2 || columns[0] !== 'kind' || columns[1] !== 'value') {
    throw new AppError('validation_failed', `${file} must start with the header kind,value`, {
      fields: [{ path: 'line 1', message: 'header must be kind,value' }],
    });
  }
  if (rows.length === 0) {
    throw new AppError('validation_failed', `${file} holds no entries`, {
      fields: [{ path: '--file', message: 'no line after the header' }],
    });
  }
  const issues: TFieldIssue[] = [];
  const lines: TRepoussoirCsvLine[] = [];
  for (const { record, info } of rows) {
    const path = `line ${info.lines}`;
    if (record.length !== 2) {
      issues.push({ path, message: 'must have 2 columns: kind,value' });
      continue;
    }
    const kind = ZRepoussoirKind.safeParse(record[0]?.trim().toLowerCase());
    if (!kind.success) {
      issues.push({ path, message: 'kind must be email, phone or postal' });
      continue;
    }
    const value = record[1] ?? '';
    if (value.length > REPOUSSOIR_VALUE_MAX_LENGTH) {
      issues.push({
        path,
        message: `value: longer than ${REPOUSSOIR_VALUE_MAX_LENGTH} characters`,
      });
      continue;
    }
    const key = repoussoirKey(kind.data, value);
    if (!key.ok) issues.push({ path, message: `value: ${key.reason}` });
    else lines.push({ line: info.lines, kind: kind.data, value });
  }
  if (issues.length > 0) {
    const listed = issues.slice(0, MAX_LISTED_LINES);
    if (issues.length > listed.length) {
      listed.push({ path: '(more)', message: `${issues.length - listed.length} more bad lines` });
    }
    throw new AppError(
      'validation_failed',
      `${file}: ${issues.length} bad line(s); nothing was imported`,
      { fields: listed },
    );
  }
  return lines;
}

/** The first line of a file descriptor (stdin), so a value stays out of the shell history. */
function readFirstLine(fd: number): string {
  return (readFileSync(fd, 'utf8').split(/\r?\n/)[0] ?? '').trim();
}
