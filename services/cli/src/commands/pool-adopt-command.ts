import os from 'node:os';
import path from 'node:path';
import { cliActor, type TPoolClaim } from '@alliage/control';
import { AppError } from '@alliage/domain';
import type { Command } from 'commander';
import { readDataDirLock } from '../data-dir-lock.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { createOutput } from '../output.ts';
import { loadConfigOrExit, reportCommandFailure } from '../run-admin-command.ts';
import { runWithPool } from '../run-with-pool.ts';

/**
 * `alliage pool adopt --confirm`: makes this data directory's pool (created empty when
 * there is none) the platform's pool in the control plane, in place of the registered
 * one — after the pool file was lost and is rebuilt from re-sent files. Audited as
 * `pool.adopted`; refused while a process elsewhere holds the pool's lease.
 */
export function registerPoolAdoptCommand(pool: Command): void {
  pool
    .command('adopt')
    .description(
      "make this data directory's pool the platform's pool (after the registered pool was lost; audited)",
    )
    .option('--confirm', 'the registered pool is lost for good: jobs then run on this pool')
    .option('--json', 'machine-readable output')
    .action(async (options) => {
      const output = createOutput(Boolean(options.json));
      const config = loadConfigOrExit(output);
      try {
        if (!options.confirm) {
          throw new AppError(
            'validation_failed',
            "adopting replaces the platform's pool with this data directory's: add --confirm",
            { fields: [{ path: '--confirm', message: 'is required' }] },
          );
        }
        if (readDataDirLock(config.dataDir)?.kind === 'serve') {
          throw new AppError(
            'locked',
            "the platform runs on this data directory: its pool is the platform's already",
          );
        }
        const dataDir = path.resolve(config.dataDir);
        const actor = cliActor(os.userInfo().username);
        // The pool it replaced, if any, as the claim found it.
        const replaced = { poolId: null as string | null };
        const onClaim = (claim: TPoolClaim) => {
          if (claim.action === 'adopt') replaced.poolId = claim.previousPoolId;
        };
        const poolId = await runWithPool(
          config,
          { adopt: true, actor, onClaim },
          async (_, warehouse) => (await import('@alliage/warehouse')).readPoolId(warehouse),
        );
        const previousPoolId = replaced.poolId;
        output.result({ poolId, previousPoolId, dataDir }, () =>
          previousPoolId === null
            ? `the pool ${poolId} in ${dataDir} is the platform's pool (nothing to adopt)`
            : `the pool ${poolId} in ${dataDir} is now the platform's pool, in place of ${previousPoolId} (recorded as pool.adopted)`,
        );
        process.exitCode = EXIT_OK;
      } catch (error) {
        reportCommandFailure(output, error, 'adopting the pool failed');
      }
    });
}
