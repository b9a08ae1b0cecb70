import type { Command } from 'commander';
import type { TPushTargetView } from '../admin-backend.ts';
import { runAdminCommand, runReadCommand } from '../run-admin-command.ts';

/** `alliage client push-target set|show|remove`: push deliveries to a client's own SFTP server. */
export function registerClientCommands(program: Command): void {
  const client = program.command('client').description('client settings');
  const target = client
    .command('push-target')
    .description("push deliveries to the client's own SFTP server (host key pinned)");
  target
    .command('set')
    .description("set a client's push target; its next deliveries are pushed there too")
    .requiredOption('--client <code>', 'client code')
    .requiredOption('--host <host>', "the client's SFTP server")
    .option('--port <port>', 'SSH port (default 22)')
    .requiredOption('--user <name>', 'login name on that server')
    .requiredOption('--dir <path>', 'remote directory the deliveries go to')
    .requiredOption(
      '--host-key-fingerprint <fingerprint>',
      "the server's host key as `ssh-keygen -lf` prints it (SHA256:...)",
    )
    .option('--disabled', 'keep the target but do not push to it')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const saved = await backend.setPushTarget(options.client, {
          host: options.host,
          ...(options.port === undefined ? {} : { port: options.port }),
          username: options.user,
          remoteDir: options.dir,
          hostKeySha256: options.hostKeyFingerprint,
          enabled: !options.disabled,
        });
        output.result(
          saved,
          () => `push target of ${options.client} set: ${describePushTarget(saved)}`,
        );
        return 0;
      }),
    );
  target
    .command('show')
    .description("show a client's push target")
    .requiredOption('--client <code>', 'client code')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const shown = await backend.getPushTarget(options.client);
        output.result(shown, () => describePushTarget(shown));
        return 0;
      }),
    );
  target
    .command('remove')
    .description("stop pushing a client's deliveries (they stay in its out/ folder)")
    .requiredOption('--client <code>', 'client code')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const removed = await backend.removePushTarget(options.client);
        output.result(removed, () => `push target of ${options.client} removed`);
        return 0;
      }),
    );
}

function describePushTarget(target: TPushTargetView | Record<string, unknown>): string {
  const view = target as TPushTargetView;
  return `${view.username}@${view.host}:${view.port}${view.remoteDir} (host key ${view.hostKeySha256}${view.enabled ? '' : ', disabled'})`;
}
