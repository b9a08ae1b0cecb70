import os from 'node:os';
import { adoptPlatformSecret, cliActor } from '@alliage/control';
import { AppError, isAppError } from '@alliage/domain';
import type { Command } from 'commander';
import { readDataDirLock } from '../data-dir-lock.ts';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, exitCodeFor } from '../exit-codes.ts';
import { hmacSecretCheckValue } from '../hmac-secret-check.ts';
import { openPlatform } from '../open-platform.ts';
import { createOutput } from '../output.ts';
import { loadConfigOrExit, reportError } from '../run-admin-command.ts';

/**
 * `alliage platform adopt-hmac-secret --confirm`: makes the HMAC secret in use the
 * platform's, once the original is lost for good (docs/operations.md, "Secrets"). Every
 * repoussoir entry and erasure suppression keyed with the old one stops matching.
 */
export function registerAdoptHmacSecretCommand(platform: Command): void {
  platform
    .command('adopt-hmac-secret')
    .description(
      'make the HMAC secret in use the platform one, once the original is lost for good (run with the platform stopped)',
    )
    .option(
      '--confirm',
      'confirm that the repoussoir and suppressions keyed with the old secret are lost',
    )
    .option('--json', 'machine-readable output')
    .action(async (options) => {
      const output = createOutput(Boolean(options.json));
      const config = loadConfigOrExit(output);
      if (!options.confirm) {
        reportError(
          output,
          'adopting another HMAC secret makes every repoussoir entry and erasure suppression keyed with the old one stop matching: add --confirm once you have followed docs/operations.md',
          {},
        );
        process.exitCode = EXIT_USAGE;
        return;
      }
      try {
        if (readDataDirLock(config.dataDir)?.kind === 'serve') {
          throw new AppError(
            'locked',
            'stop the platform first, adopt the secret, then start it again',
          );
        }
        const opened = await openPlatform(config, { kind: 'cli', adoptingHmacSecret: true });
        try {
          const { changed } = await adoptPlatformSecret(
            opened.ctx,
            cliActor(os.userInfo().username),
            { name: 'hmac', checkValue: hmacSecretCheckValue(opened.secrets.hmacSecret) },
          );
          output.result({ changed }, () =>
            changed
              ? 'the HMAC secret in use is now the platform one: import every repoussoir list again (alliage repoussoir import)'
              : 'the HMAC secret in use already is the platform one: nothing changed',
          );
        } finally {
          await opened.close();
        }
        process.exitCode = EXIT_OK;
      } catch (error) {
        reportError(output, isAppError(error) ? error.message : 'adoption failed', {});
        process.exitCode = isAppError(error) ? exitCodeFor(error) : EXIT_CHECK_FAILED;
      }
    });
}
