import { isAppError } from '@alliage/domain';
import type { Command } from 'commander';
import { pino } from 'pino';
import { catchStopSignals } from '../catch-stop-signals.ts';
import { EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { openPlatform } from '../open-platform.ts';
import { createOutput } from '../output.ts';
import { loadConfigOrExit, reportError } from '../run-admin-command.ts';
import { secretWarningsTo } from '../secret-warnings-to.ts';
import type { Runtime } from '../start-runtime.ts';

/** `alliage worker`: a job worker process for BullMQ, on this or another machine. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'run intake and housekeeping jobs from the Redis queue (needs DATABASE_URL and REDIS_URL)',
    )
    .action(async () => {
      const output = createOutput(false);
      const config = loadConfigOrExit(output);
      // Loaded here, not at the top: every one-shot command would load the job code too.
      const { exitWhenPoolLost, startRuntime } = await import('../start-runtime.ts');
      if (!config.redisUrl || !config.databaseUrl) {
        reportError(
          output,
          'alliage worker needs REDIS_URL and DATABASE_URL; on embedded defaults `alliage serve` runs the jobs itself',
          { variables: ['REDIS_URL', 'DATABASE_URL'] },
        );
        process.exit(EXIT_USAGE);
      }
      const logger = pino({ level: config.logLevel, base: { service: 'alliage-worker' } });
      // From the first moment: a signal during the start is handled once it is done.
      const signals = catchStopSignals();
      try {
        const warn = secretWarningsTo(logger);
        const platform = await openPlatform(config, { kind: 'cli', warn });
        let runtime: Runtime | null = null;
        let stopping = false;
        const stop = async (reason: string, exitCode: number, runtimeStopped?: Promise<void>) => {
          if (stopping) return;
          stopping = true;
          logger.info({ reason }, 'alliage worker stopping');
          await (runtimeStopped ?? runtime?.stop());
          await platform.close();
          process.exit(exitCode);
        };
        runtime = await startRuntime({
          config,
          platform,
          logger,
          worker: true,
          sftp: false,
          // Another process owns the pool now: nothing more may write it here.
          onPoolLost: exitWhenPoolLost(output, stop),
        });
        if (stopping) return;
        logger.info({ concurrency: config.worker.concurrency }, 'alliage worker started');
        process.stdout.write('Alliage worker is running\n');
        signals.ready((signal) => void stop(signal, 0));
      } catch (error) {
        reportError(
          output,
          isAppError(error) ? error.message : 'worker start failed (see the log)',
          {},
        );
        if (!isAppError(error)) logger.error({ err: error }, 'worker start failed');
        process.exit(EXIT_CHECK_FAILED);
      }
    });
}
