import type { Command } from 'commander';
import { runAdminCommand } from '../run-admin-command.ts';
import { registerAdoptHmacSecretCommand } from './adopt-hmac-secret-command.ts';
import { registerRotateKeyCommand } from './rotate-key-command.ts';

/** `alliage platform pgp-key`, `ssh-key`, `rotate-pgp-key` and `adopt-hmac-secret`. */
export function registerPlatformCommands(program: Command): void {
  const platform = program.command('platform').description("the platform's own keys");
  registerRotateKeyCommand(platform);
  registerAdoptHmacSecretCommand(platform);
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
  platform
    .command('ssh-key')
    .description(
      'print the platform SSH public key members authorise on their own servers (pull mode)',
    )
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const key = await backend.platformSshKey();
        output.result(key, () => `# fingerprint ${key.fingerprint}\n${key.publicKey} alliage-pull`);
        return 0;
      }),
    );
}
