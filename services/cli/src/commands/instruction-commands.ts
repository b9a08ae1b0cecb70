import { readFileSync } from 'node:fs';
import { AppError } from '@alliage/domain';
import type { Command } from 'commander';
import { runAdminCommand, runReadCommand } from '../run-admin-command.ts';

/** `alliage instruction set|show`. */
export function registerInstructionCommands(program: Command): void {
  const instruction = program
    .command('instruction')
    .description("members' documented instructions (Art. 28(3)(a))");
  instruction
    .command('set')
    .description('record a new version of a member instruction from a JSON file')
    .requiredOption('--member <code>', 'member code')
    .requiredOption('--file <path>', 'instruction JSON (see docs/compliance.md)')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const body = readJsonFile(options.file);
        const saved = await backend.setInstruction(options.member, body as never);
        output.result(
          saved,
          () => `instruction version ${saved.version} recorded for ${saved.memberCode}`,
        );
        return 0;
      }),
    );
  instruction
    .command('show')
    .description('show the instruction of a member')
    .requiredOption('--member <code>', 'member code')
    .option('--history', 'every version, newest first')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const versions = await backend.showInstructions(options.member, Boolean(options.history));
        output.result(options.history ? versions : versions[0], () =>
          versions
            .map((version) =>
              [
                `version ${version.version}  effective ${version.effectiveFrom}  signed by ${version.signedBy}`,
                `  purposes     ${version.body.purposes.join(', ')}`,
                `  channels     ${version.body.channels.join(', ')}`,
                `  third party  ${version.body.thirdPartyAllowed ? 'allowed' : 'refused'}`,
                `  sectors      allow ${version.body.clientSectorsAllow?.join(', ') ?? 'all'}; deny ${version.body.clientSectorsDeny.join(', ') || 'none'}`,
                `  retention    ${version.body.retentionMonths} months`,
              ].join('\n'),
            )
            .join('\n\n'),
        );
        return 0;
      }),
    );
}

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new AppError('validation_failed', `cannot read ${file}`, {
      fields: [{ path: '--file', message: 'cannot be read' }],
    });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('validation_failed', `${file} is not valid JSON`, {
      fields: [{ path: '--file', message: 'is not valid JSON' }],
    });
  }
}
