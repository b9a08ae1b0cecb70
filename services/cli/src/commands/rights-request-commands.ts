import { AppError } from '@alliage/domain';
import type { Command } from 'commander';
import { formatTable } from '../output.ts';
import { runAdminCommand, runReadCommand } from '../run-admin-command.ts';

interface TRightsRequestRow {
  id: string;
  type: string;
  status: string;
  dueAt: string | Date;
  extendedUntil: string | Date | null;
  overdue?: boolean;
  duplicateOf?: string | null;
}

const day = (value: string | Date | null | undefined) =>
  value ? new Date(value).toISOString().slice(0, 10) : '';

/**
 * `alliage rights-request create|list|show|extend|close`: the operator's side of
 * data subjects' requests (access, erasure, opposition, rectification, portability).
 */
export function registerRightsRequestCommands(program: Command): void {
  const rights = program
    .command('rights-request')
    .description("data subjects' requests (Art. 15–22), forwarded to the members holding records");
  rights
    .command('create')
    .description('record a request; the person is found in the pool and the request forwarded')
    .requiredOption('--type <type>', 'access, erasure, opposition, rectification or portability')
    .requiredOption(
      '--verification <text>',
      'how the identity was verified (no copy of the document)',
    )
    .option('--email <email>', 'the email the person gave')
    .option('--phone <phone>', 'the phone number the person gave')
    .option('--last-name <name>', 'postal identity: last name')
    .option('--first-name <name>', 'postal identity: first name')
    .option('--postcode <postcode>', 'postal identity: postcode')
    .option('--street <line>', 'postal identity: number and street')
    .option('--scope <scope>', 'opposition only: all, postal, email, sms or phone')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const postalGiven = [options.lastName, options.postcode, options.street].some(Boolean);
        if (postalGiven && !(options.lastName && options.postcode && options.street)) {
          throw new AppError(
            'validation_failed',
            'a postal identity needs --last-name, --postcode and --street',
          );
        }
        const request = (await backend.createRightsRequest({
          type: options.type,
          verification: options.verification,
          ...(options.scope ? { oppositionScope: options.scope } : {}),
          identity: {
            ...(options.email ? { email: options.email } : {}),
            ...(options.phone ? { phone: options.phone } : {}),
            ...(postalGiven
              ? {
                  postal: {
                    lastName: options.lastName,
                    postcode: options.postcode,
                    streetLine: options.street,
                    ...(options.firstName ? { firstName: options.firstName } : {}),
                  },
                }
              : {}),
          },
        })) as TRightsRequestRow;
        output.result(
          request,
          () => `rights request ${request.id} (${request.type}) due ${day(request.dueAt)}`,
        );
        return 0;
      }),
    );
  rights
    .command('list')
    .description('requests, with their deadline')
    .option('--overdue', 'only the requests past their deadline')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const requests = (await backend.listRightsRequests(
          Boolean(options.overdue),
        )) as TRightsRequestRow[];
        output.result(requests, () =>
          formatTable(
            ['id', 'type', 'status', 'due', 'extended until', 'overdue'],
            requests.map((row) => [
              row.id,
              row.type,
              row.status,
              day(row.dueAt),
              day(row.extendedUntil),
              row.overdue ? 'OVERDUE' : '',
            ]),
          ),
        );
        return 0;
      }),
    );
  rights
    .command('show <requestId>')
    .description('one request with its items per member')
    .option('--json', 'machine-readable output')
    .action((requestId: string, options) =>
      runReadCommand(options, async (backend, output) => {
        const request = await backend.getRightsRequest(requestId);
        output.result(request, () => JSON.stringify(request, null, 2));
        return 0;
      }),
    );
  rights
    .command('extend <requestId>')
    .description('extend the deadline by 1 or 2 months (at most 2 in all), with a reason')
    .requiredOption('--months <n>', '1 or 2')
    .requiredOption('--reason <text>', 'why (complexity, number of requests)')
    .option('--json', 'machine-readable output')
    .action((requestId: string, options) =>
      runAdminCommand(options, async (backend, output) => {
        const request = (await backend.extendRightsRequest(requestId, {
          months: Number(options.months) as 1 | 2,
          reason: options.reason,
        })) as TRightsRequestRow;
        output.result(
          request,
          () =>
            `rights request ${request.id} now due ${day(request.extendedUntil ?? request.dueAt)}`,
        );
        return 0;
      }),
    );
  rights
    .command('close <requestId>')
    .description('close a request, with a reason')
    .requiredOption('--reason <text>', 'why it is closed')
    .option('--json', 'machine-readable output')
    .action((requestId: string, options) =>
      runAdminCommand(options, async (backend, output) => {
        const request = (await backend.closeRightsRequest(requestId, {
          reason: options.reason,
        })) as TRightsRequestRow;
        output.result(request, () => `rights request ${request.id} closed`);
        return 0;
      }),
    );
}
