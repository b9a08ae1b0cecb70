import os from 'node:os';
import { appendAuditEvent, cliActor } from '@alliage/control';
import { AppError, isAppError } from '@alliage/domain';
import type { Command } from 'commander';
import { readDataDirLock } from '../data-dir-lock.ts';
import { EXIT_CHECK_FAILED, EXIT_OK, exitCodeFor } from '../exit-codes.ts';
import { openPlatform } from '../open-platform.ts';
import { createOutput } from '../output.ts';
import { rotatePlatformPgpKey } from '../rotate-platform-pgp-key.ts';
import { loadConfigOrExit, reportError } from '../run-admin-command.ts';

/** `alliage platform rotate-pgp-key`: a new platform key; the old one keeps decrypting. */
export function registerRotateKeyCommand(platform: Command): void {
  platform
    .command('rotate-pgp-key')
    .description(
      'replace the platform PGP key (run with the platform stopped; old key kept for decryption)',
    )
    .option('--json', 'machine-readable output')
    .action(async (options) => {
      const output = createOutput(Boolean(options.json));
      const config = loadConfigOrExit(output);
      try {
        // A running platform holds the key in memory: rotate while it is stopped.
        if (readDataDirLock(config.dataDir)?.kind === 'serve') {
          throw new AppError('locked', 'stop the platform first, rotate, then start it again');
        }
        const opened = await openPlatform(config, { kind: 'cli' });
        try {
          const rotated = await rotatePlatformPgpKey(config);
          await appendAuditEvent(opened.ctx.db, opened.ctx.clock, {
            action: 'platform.key_rotated',
            actor: cliActor(os.userInfo().username),
            objectType: 'platform_pgp_key',
            objectId: rotated.fingerprint,
            details: rotated,
          });
          output.result(
            rotated,
            () =>
              `platform PGP key rotated: ${rotated.previousFingerprint} -> ${rotated.fingerprint}\n` +
              'publish the new key to members (alliage platform pgp-key); files encrypted to the old one are still read',
          );
        } finally {
          await opened.close();
        }
        process.exitCode = EXIT_OK;
      } catch (error) {
        reportError(output, isAppError(error) ? error.message : 'rotation failed', {});
        process.exitCode = isAppError(error) ? exitCodeFor(error) : EXIT_CHECK_FAILED;
      }
    });
}
