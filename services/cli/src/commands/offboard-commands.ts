import os from 'node:os';
import { cliActor } from '@alliage/control';
import { AppError } from '@alliage/domain';
import { type Command, Option } from 'commander';
import { readDataDirLock } from '../data-dir-lock.ts';
import { dropStoreIn, sftpRootIn } from '../data-dir-paths.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { createOutput } from '../output.ts';
import { loadConfigOrExit, reportCommandFailure } from '../run-admin-command.ts';
import { runWithPool } from '../run-with-pool.ts';

/**
 * `alliage member offboard --member M01 (--export | --delete-only) --confirm M01`:
 * the end of a member's contract (docs/compliance.md "Offboarding"). It rewrites
 * the pool file, so it runs with the platform stopped, like a key rotation.
 */
export function registerOffboardCommands(program: Command): void {
  const member =
    program.commands.find((command) => command.name() === 'member') ??
    program.command('member').description('member settings');
  member
    .command('offboard')
    .description(
      "end a member's contract: optionally return its data (encrypted to its key), delete all of it from the pool, prove it gone from the pool file, certify it in the audit chain",
    )
    .requiredOption('--member <code>', 'member code')
    .addOption(
      new Option('--export', 'return the data to the member first').conflicts('deleteOnly'),
    )
    .addOption(new Option('--delete-only', 'delete without returning the data').conflicts('export'))
    .option('--confirm <code>', 'the member code again: offboarding cannot be undone')
    .option('--json', 'machine-readable output')
    .action(async (options) => {
      const output = createOutput(Boolean(options.json));
      const config = loadConfigOrExit(output);
      try {
        if (!options.export && !options.deleteOnly) {
          throw new AppError('validation_failed', 'choose --export or --delete-only', {
            fields: [{ path: '--export', message: 'or --delete-only is required' }],
          });
        }
        if (options.confirm !== options.member) {
          throw new AppError(
            'validation_failed',
            `offboarding deletes every record of ${options.member} for good: repeat the code with --confirm ${options.member}`,
            { fields: [{ path: '--confirm', message: 'must repeat --member' }] },
          );
        }
        // The pool file is rewritten and swapped: nothing else may hold it.
        if (readDataDirLock(config.dataDir)?.kind === 'serve') {
          throw new AppError('locked', 'stop the platform first, offboard, then start it again');
        }
        await runWithPool(config, {}, async (platform, warehouse) => {
          const { offboardMember } = await import('@alliage/pool');
          const certificate = await offboardMember({
            ctx: platform.ctx,
            warehouse,
            actor: cliActor(os.userInfo().username),
            memberCode: options.member,
            mode: options.export ? 'export' : 'delete_only',
            sftpRoot: sftpRootIn(config.dataDir),
            dropStore: dropStoreIn(config.dataDir),
            signingKey: platform.secrets.pgp,
          });
          output.result(certificate, () =>
            [
              `member ${certificate.memberCode} offboarded: ${certificate.deleted.records} records, ` +
                `${certificate.deleted.transactions} transactions deleted; ${certificate.deleted.personsRemoved} persons ` +
                `and ${certificate.deleted.householdsRemoved} households removed`,
              ...(certificate.export?.files.map(
                (file) =>
                  `export: reports/${file.fileName} (${file.rows} rows, sha256 ${file.sha256})`,
              ) ?? []),
              `canary search: ${certificate.canarySearch.canaries} values, ${certificate.canarySearch.found} found` +
                (certificate.canarySearch.encryptedAtRest
                  ? ' (the pool file is encrypted: the byte search proves little)'
                  : ''),
              `drop store: ${certificate.deleted.dropFiles} encrypted files deleted` +
                (certificate.dropFilesLeft > 0
                  ? `, ${certificate.dropFilesLeft} other files left in drops/${certificate.memberCode}/ to check`
                  : ''),
              `pool file sha256 ${certificate.poolFile.sha256}; certificate recorded as member.offboarded`,
            ].join('\n'),
          );
        });
        process.exitCode = EXIT_OK;
      } catch (error) {
        reportCommandFailure(output, error, 'offboarding failed');
      }
    });
}
