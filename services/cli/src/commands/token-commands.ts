import { decimalInteger, parseInput, ZRole } from '@alliage/domain';
import type { Command } from 'commander';
import { formatTable } from '../output.ts';
import { runAdminCommand, runReadCommand } from '../run-admin-command.ts';

const ZExpiresDays = decimalInteger(1, 3650);

/** `alliage token create|revoke|list`. */
export function registerTokenCommands(program: Command): void {
  const token = program
    .command('token')
    .description('API tokens (shown once, stored only as hashes)');
  token
    .command('create')
    .description('create a principal with a role and print its API token once')
    .option('--org <code>', 'organisation code (omit for operator and compliance staff)')
    .requiredOption('--role <role>', `one of ${ZRole.options.join(', ')}`)
    .option('--name <name>', 'who or what holds the token')
    .option('--expires-days <days>', 'expiry in days (default: no expiry)')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const role = parseInput(ZRole, options.role, '--role');
        const expiresInDays =
          options.expiresDays === undefined
            ? null
            : parseInput(ZExpiresDays, options.expiresDays, '--expires-days');
        const created = await backend.createToken({
          organisationCode: options.org ?? null,
          role,
          name: options.name ?? null,
          expiresInDays,
        });
        output.result(
          {
            principal: created.principal,
            tokenId: created.apiToken.id,
            token: created.token,
            expiresAt: created.apiToken.expiresAt,
          },
          () =>
            [
              `principal ${created.principal.id} (${created.principal.role}${options.org ? ` of ${options.org}` : ''})`,
              `token id  ${created.apiToken.id}`,
              `expires   ${created.apiToken.expiresAt ?? 'never'}`,
              '',
              'API token (shown once, keep it secret):',
              created.token,
            ].join('\n'),
        );
        return 0;
      }),
    );
  token
    .command('revoke')
    .description('revoke an API token')
    .argument('<token-id>', 'token id (as printed by create or list)')
    .option('--json', 'machine-readable output')
    .action((tokenId, options) =>
      runAdminCommand(options, async (backend, output) => {
        const revoked = await backend.revokeToken(tokenId);
        output.result(revoked, () => `token ${revoked.id} revoked`);
        return 0;
      }),
    );
  token
    .command('list')
    .description('list API tokens (never their values)')
    .option('--org <code>', 'only tokens of this organisation')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const tokens = await backend.listTokens(options.org ?? null);
        output.result(tokens, () =>
          formatTable(
            ['ID', 'PREFIX', 'NAME', 'EXPIRES', 'REVOKED'],
            tokens.map((item) => [
              item.id,
              item.prefix,
              item.name,
              String(item.expiresAt ?? ''),
              String(item.revokedAt ?? ''),
            ]),
          ),
        );
        return 0;
      }),
    );
}
