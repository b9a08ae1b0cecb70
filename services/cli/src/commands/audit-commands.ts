import { createWriteStream, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZAuditExportFormat } from '@alliage/control';
import { AppError, decimalInteger, parseInput } from '@alliage/domain';
import type { Command } from 'commander';
import { EXIT_CHECK_FAILED, EXIT_OK } from '../exit-codes.ts';
import { formatTable } from '../output.ts';
import { runReadCommand } from '../run-admin-command.ts';

/** `alliage audit verify|checkpoint|tail`. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description(
      'verify the chain end to end (exit 1 and the first bad seq when broken; a broken chain raises an alert)',
    )
    .option('--checkpoint <file>', 'signed checkpoint file written by `audit checkpoint`')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const checkpoint = options.checkpoint ? readCheckpointFile(options.checkpoint) : null;
        const verification = await backend.verifyAudit(checkpoint);
        output.result(verification, () =>
          verification.ok
            ? `audit chain OK: ${verification.eventCount} events, head seq ${verification.headSeq} (${verification.headHash}); ${chainCoverage(verification.checkpointSeq ?? null, verification.headSeq)}`
            : `audit chain BROKEN at seq ${verification.firstBadSeq}: ${verification.reason}`,
        );
        return verification.ok ? EXIT_OK : EXIT_CHECK_FAILED;
      }),
    );
  audit
    .command('checkpoint')
    .description('write a checkpoint of the chain head signed with the platform PGP key')
    .requiredOption(
      '--out <file>',
      'where to write the signed checkpoint (keep it outside the database host)',
    )
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const { checkpoint, signedText } = await backend.checkpointAudit();
        const temporary = `${options.out}.tmp-${process.pid}`;
        writeFileSync(temporary, signedText, { mode: 0o644 });
        renameSync(temporary, options.out);
        output.result(
          { checkpoint, file: options.out },
          () => `checkpoint at seq ${checkpoint.seq} written to ${options.out}`,
        );
        return EXIT_OK;
      }),
    );
  audit
    .command('export')
    .description(
      'export audit events as CSV or JSON Lines, streamed to a file (an unfiltered JSONL export verifies offline: scripts/verify-audit-export.ts)',
    )
    .requiredOption('--format <format>', 'csv or jsonl')
    .requiredOption('--out <file>', 'file to write (replaced once complete)')
    .option('--action <names>', 'audit actions, comma-separated (e.g. file.received,file.accepted)')
    .option('--organisation <code>', 'organisation code on the event')
    .option('--actor <ref>', 'actor ref (principal:<uuid>, cli:<user>, sftp:<code>, system)')
    .option('--object-type <type>', 'object type')
    .option('--object-id <id>', 'object id')
    .option('--instruction-version <n>', 'instruction version')
    .option('--from <time>', 'from this time (ISO 8601, inclusive)')
    .option('--to <time>', 'up to this time (ISO 8601, exclusive)')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const format = parseInput(ZAuditExportFormat, options.format, '--format');
        const chunks = await backend.exportAudit({
          format,
          filter: {
            action: options.action,
            organisation: options.organisation,
            actor: options.actor,
            objectType: options.objectType,
            objectId: options.objectId,
            instructionVersion: options.instructionVersion,
            from: options.from,
            to: options.to,
          },
        });
        // Written beside the target and renamed: a failed export never looks complete.
        const temporary = `${options.out}.tmp-${process.pid}`;
        let lineCount = 0;
        try {
          await pipeline(
            Readable.from(chunks),
            new Transform({
              transform(chunk: Buffer, _encoding, done) {
                for (const byte of chunk) if (byte === 0x0a) lineCount += 1;
                done(null, chunk);
              },
            }),
            createWriteStream(temporary, { mode: 0o600 }),
          );
          renameSync(temporary, options.out);
        } catch (error) {
          rmSync(temporary, { force: true });
          throw error;
        }
        // CSV ends lines with CRLF and starts with a header line.
        const eventCount = format === 'csv' ? Math.max(lineCount - 1, 0) : lineCount;
        output.result(
          { file: options.out, format, eventCount },
          () => `${eventCount} audit events written to ${options.out}`,
        );
        return EXIT_OK;
      }),
    );
  audit
    .command('tail')
    .description('show the newest audit events')
    .option('-n, --count <n>', 'how many', '20')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const count = parseInput(decimalInteger(1, 1000), options.count, '--count');
        const events = await backend.tailAudit(count);
        output.result(events, () =>
          formatTable(
            ['SEQ', 'TIME', 'ACTION', 'ACTOR', 'ORG', 'OBJECT'],
            events.map((event) => [
              event.seq,
              String(event.occurredAt),
              event.action,
              event.actor,
              event.organisationCode,
              event.objectId ? `${event.objectType ?? ''}:${event.objectId}` : null,
            ]),
          ),
        );
        return EXIT_OK;
      }),
    );
}

function readCheckpointFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new AppError('validation_failed', `cannot read checkpoint file ${file}`, {
      fields: [{ path: '--checkpoint', message: 'cannot be read' }],
    });
  }
}

// What an OK chain proves: never more than the checkpoint signed (the rows after it, or
// all of them without one, could have been rewritten by whoever can write the database).
function chainCoverage(checkpointSeq: number | null, headSeq: number): string {
  if (checkpointSeq === null) {
    return 'consistent with itself, NOT proven by a signed checkpoint (give --checkpoint)';
  }
  const proven = `seq 1..${checkpointSeq} match the signed checkpoint`;
  return headSeq > checkpointSeq
    ? `${proven}; seq ${checkpointSeq + 1}..${headSeq} consistent with them, NOT proven by it`
    : proven;
}
