import type { Command } from 'commander';
import type { TPullSourceView } from '../admin-backend.ts';
import { runAdminCommand, runReadCommand } from '../run-admin-command.ts';

/** `alliage intake pull` and `alliage intake source set|show` (pull mode), `alliage intake retry`. */
export function registerIntakeCommands(program: Command): void {
  const intake = program
    .command('intake')
    .description(
      "file intake: fetch members' files from their own SFTP/MFT servers (pull mode), retry an abandoned drop",
    );
  intake
    .command('pull')
    .description("fetch a member's new files from its server now, then process them as uploads")
    .requiredOption('--member <code>', 'member code')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const outcome = await backend.pullMember(options.member);
        output.result(outcome, () => {
          const counts = `${options.member}: fetched ${outcome.fetched}, already fetched ${outcome.skipped}, ignored ${outcome.ignored} (not member files, or above the size cap)`;
          if (outcome.fetched === 0) return counts;
          const next =
            outcome.intake === 'processed'
              ? 'processed in this process: see the reports in the member’s reports/ folder'
              : 'queued for intake: follow them with GET /v1/files';
          return `${counts}\n${outcome.fetched} file(s) ${next}`;
        });
        return 0;
      }),
    );

  intake
    .command('retry')
    .description(
      'retry a file drop the platform gave up on (abandoned) once its cause is fixed, instead of the member sending the file again; audited',
    )
    .argument('<drop-id>', 'the drop (its id in GET /v1/files?status=abandoned, or file.abandoned)')
    .option('--json', 'machine-readable output')
    .action((dropId: string, options: { json?: boolean }) =>
      runAdminCommand(options, async (backend, output) => {
        const drop = await backend.retryFileDrop(dropId);
        output.result(
          drop,
          () =>
            `file drop ${drop.id} is received again: the running platform loads it now (without one, the next \`alliage serve\` does)`,
        );
        return 0;
      }),
    );

  const source = intake
    .command('source')
    .description("where the platform fetches a member's files, and how often");
  source
    .command('set')
    .description("set a member's pull source (the host key fingerprint is pinned)")
    .requiredOption('--member <code>', 'member code')
    .requiredOption('--host <host>', "the member's SFTP/MFT server")
    .option('--port <port>', 'SSH port (default 22)')
    .requiredOption('--user <name>', 'login name on that server')
    .requiredOption('--dir <path>', 'remote directory holding the files')
    .requiredOption(
      '--host-key-fingerprint <fingerprint>',
      "the server's host key as `ssh-keygen -lf` prints it (SHA256:...)",
    )
    .option('--every-minutes <minutes>', 'pull on this schedule (default: on demand only)')
    .option('--disabled', 'keep the source but do not pull from it')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runAdminCommand(options, async (backend, output) => {
        const saved = await backend.setPullSource(options.member, {
          host: options.host,
          ...(options.port === undefined ? {} : { port: options.port }),
          username: options.user,
          remoteDir: options.dir,
          hostKeySha256: options.hostKeyFingerprint,
          intervalMinutes: options.everyMinutes ?? null,
          enabled: !options.disabled,
        });
        output.result(
          saved,
          () => `pull source of ${options.member} set: ${describePullSource(saved)}`,
        );
        return 0;
      }),
    );
  source
    .command('show')
    .description("show a member's pull source")
    .requiredOption('--member <code>', 'member code')
    .option('--json', 'machine-readable output')
    .action((options) =>
      runReadCommand(options, async (backend, output) => {
        const shown = await backend.getPullSource(options.member);
        output.result(shown, () => describePullSource(shown));
        return 0;
      }),
    );
}

function describePullSource(source: TPullSourceView | Record<string, unknown>): string {
  const view = source as TPullSourceView;
  const schedule =
    view.intervalMinutes === null ? 'on demand' : `every ${view.intervalMinutes} min`;
  return `${view.username}@${view.host}:${view.port}${view.remoteDir} (host key ${view.hostKeySha256}, ${schedule}${view.enabled ? '' : ', disabled'})`;
}
