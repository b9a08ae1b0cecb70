import { renameSync, writeFileSync } from 'node:fs';
import { parseInput, type TProcessorRegister } from '@alliage/domain';
import type { Command } from 'commander';
import { z } from 'zod';
import { EXIT_OK } from '../exit-codes.ts';
import { runReadCommand } from '../run-admin-command.ts';

const ZRegisterFormat = z.enum(['markdown', 'csv', 'json']);

/** `alliage register export`: the processor register (GDPR Art. 30(2)). */
export function registerRegisterCommands(program: Command): void {
  const register = program
    .command('register')
    .description('the register of processing carried out as processor (GDPR Art. 30(2))');
  register
    .command('export')
    .description(
      'generate the register from the control data and the running configuration (audited)',
    )
    .option('--format <format>', 'markdown, csv or json', 'markdown')
    .option('--out <file>', 'write it to this file instead of standard output')
    .option('--json', 'machine-readable output (with --out: the outcome)')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const format = parseInput(ZRegisterFormat, options.format, '--format');
        const exported = await backend.exportRegister(format);
        const text =
          typeof exported === 'string' ? exported : `${JSON.stringify(exported, null, 2)}\n`;
        if (!options.out) {
          process.stdout.write(text);
          return EXIT_OK;
        }
        // Written whole or not at all: a reader never sees half a register.
        const temporary = `${options.out}.tmp-${process.pid}`;
        writeFileSync(temporary, text, { mode: 0o640 });
        renameSync(temporary, options.out);
        output.result(
          { file: options.out, format, controllerCount: controllerCount(exported) },
          () => `processor register (${format}) written to ${options.out}`,
        );
        return EXIT_OK;
      }),
    );
}

/** Controllers in a JSON export; null for a document (its count is in the audit event). */
function controllerCount(exported: TProcessorRegister | string): number | null {
  return typeof exported === 'string' ? null : exported.controllers.length;
}
