import { readFileSync } from 'node:fs';
import { AppError } from '@alliage/domain';
import type { Command } from 'commander';
import { runAdminCommand } from '../run-admin-command.ts';

/** `alliage key add`. */
export function registerKeyCommands(program: Command): void {
  const key = program.command('key').description('SSH and PGP public keys of organisations');
  key
    .command('add')
    .description('register an SSH (SFTP login) or PGP (signing/encryption) public key')
    .requiredOption('--org <code>', 'organisation code')
    .requiredOption('--type <type>', 'ssh or pgp')
    .requiredOption('--file <path>', 'public key file')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        if (options.type !== 'ssh' && options.type !== 'pgp') {
          throw new AppError('validation_failed', '--type must be ssh or pgp', {
            fields: [{ path: '--type', message: 'must be ssh or pgp' }],
          });
        }
        const publicKey = readKeyFile(options.file);
        const added = await backend.addKey({
          organisationCode: options.org,
          keyType: options.type,
          publicKey,
        });
        output.result(
          added,
          () =>
            `${added.keyType} key ${added.fingerprint} (${added.algorithm}${added.bits ? ` ${added.bits}` : ''}) added to ${added.organisationCode}`,
        );
        return 0;
      }),
    );
}

function readKeyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new AppError('validation_failed', `cannot read key file ${file}`, {
      fields: [{ path: '--file', message: 'cannot be read' }],
    });
  }
}
