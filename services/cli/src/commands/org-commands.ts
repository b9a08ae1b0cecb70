import { ZOrgKind, ZSector } from '@alliage/domain';
import type { Command } from 'commander';
import { formatTable } from '../output.ts';
import { runAdminCommand, runReadCommand } from '../run-admin-command.ts';

/** `alliage org add|list`. */
export function registerOrgCommands(program: Command): void {
  const org = program.command('org').description('organisations: members and clients');
  org
    .command('add')
    .description('register an organisation')
    .requiredOption('--code <code>', 'organisation code, e.g. M01')
    .requiredOption('--name <name>', 'legal or trading name')
    .requiredOption('--kind <kind>', `one of ${ZOrgKind.options.join(', ')}`)
    .requiredOption('--sector <sector>', `one of ${ZSector.options.join(', ')}`)
    .option('--contract-start <date>', 'contract start (YYYY-MM-DD)')
    .option('--contract-end <date>', 'contract end (YYYY-MM-DD)')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const created = await backend.addOrganisation({
          code: options.code,
          name: options.name,
          kind: options.kind,
          sector: options.sector,
          contractStart: options.contractStart ?? null,
          contractEnd: options.contractEnd ?? null,
        });
        output.result(
          created,
          () => `organisation ${created.code} registered (${created.kind}, ${created.sector})`,
        );
        return 0;
      }),
    );
  org
    .command('list')
    .description('list organisations')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const organisations = await backend.listOrganisations();
        output.result(organisations, () =>
          formatTable(
            ['CODE', 'NAME', 'KIND', 'SECTOR', 'STATUS'],
            organisations.map((item) => [
              item.code,
              item.name,
              item.kind,
              item.sector,
              item.status,
            ]),
          ),
        );
        return 0;
      }),
    );
}
