import type { Command } from 'commander';
import { runAdminCommand } from '../run-admin-command.ts';

/** `alliage platform pgp-key`. */
export function registerPlatformCommands(program: Command): void {
  const platform = program.command('platform').description("the platform's own keys");
  platform
    .command('pgp-key')
    .description('print the platform PGP public key members encrypt their files to')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const key = await backend.platformPgpKey();
        output.result(
          key,
          () => `# fingerprint ${key.fingerprint}\n${key.armoredPublicKey.trimEnd()}`,
        );
        return 0;
      }),
    );
}
