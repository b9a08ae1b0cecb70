import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { AppError, parseInput } from '@alliage/domain';
import type { Command } from 'commander';
import { z } from 'zod';
import { EXIT_CHECK_FAILED, EXIT_OK } from '../exit-codes.ts';
import { formatTable } from '../output.ts';
import { runAdminCommand } from '../run-admin-command.ts';

/** `alliage audit verify|checkpoint|tail`. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('verify the chain end to end (exit 1 and the first bad seq when broken)')
    .option('--checkpoint <file>', 'signed checkpoint file written by `audit checkpoint`')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const checkpoint = options.checkpoint ? readCheckpointFile(options.checkpoint) : null;
        const verification = await backend.verifyAudit(checkpoint);
        output.result(verification, () =>
          verification.ok
            ? `audit chain OK: ${verification.eventCount} events, head seq ${verification.headSeq} (${verification.headHash})`
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
      runAdminCommand(options, async (backend, output) => {
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
    .command('tail')
    .description('show the newest audit events')
    .option('-n, --count <n>', 'how many', '20')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const count = parseInput(
          z.coerce.number().int().min(1).max(1000),
          options.count,
          '--count',
        );
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
