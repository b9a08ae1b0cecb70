import { readFileSync } from 'node:fs';
import { AppError } from '@alliage/domain';
import type { Command } from 'commander';
import { runAdminCommand, runReadCommand } from '../run-admin-command.ts';

/** `alliage member dialect set|show`. */
export function registerMemberCommands(program: Command): void {
  const member = program.command('member').description('member settings');
  const dialect = member
    .command('dialect')
    .description("how a member's exports are read (encoding, separators, headers)");
  dialect
    .command('set')
    .description('set the dialect profile of a member from a JSON file (see docs/file-format.md)')
    .requiredOption('--member <code>', 'member code')
    .requiredOption('--file <path>', 'dialect profile JSON')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        let profile: unknown;
        try {
          profile = JSON.parse(readFileSync(options.file, 'utf8'));
        } catch {
          throw new AppError('validation_failed', `cannot read ${options.file} as JSON`, {
            fields: [{ path: '--file', message: 'cannot be read as JSON' }],
          });
        }
        const saved = await backend.setDialect(options.member, profile);
        output.result(
          saved,
          () =>
            `dialect profile of ${options.member} set (${saved.encoding}, "${saved.delimiter}")`,
        );
        return 0;
      }),
    );
  dialect
    .command('show')
    .description('show the dialect profile of a member')
    .requiredOption('--member <code>', 'member code')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const profile = await backend.getDialect(options.member);
        output.result(profile, () => JSON.stringify(profile, null, 2));
        return 0;
      }),
    );
}
