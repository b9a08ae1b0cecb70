import type { TConfig } from '@alliage/config';
import type { TActor } from '@alliage/control';
import { pullMemberFiles } from '@alliage/intake';
import { createJobHandlers } from '@alliage/worker';
import { destination, pino } from 'pino';
import type { TPullOutcome } from './admin-backend.ts';
import { createIntakeDeps } from './create-intake-deps.ts';
import { createPullDeps } from './create-pull-deps.ts';
import type { OpenedPlatform } from './open-platform.ts';
import { openPool } from './open-pool.ts';
import { createConfiguredQueue, selectionSettings } from './start-runtime.ts';

/** Intake of a large file can take long; this only stops a wedged queue from hanging forever. */
const DRAIN_TIMEOUT_MS = 6 * 3600_000;

/**
 * Pulls a member's files from this process, when no running `serve` holds the data
 * directory. With REDIS_URL the drops' jobs go to the Redis workers; without it
 * nobody else would run them, so they are processed here before returning (only
 * these drops: others may belong to a process sharing the database).
 */
export async function runDirectPull(
  config: TConfig,
  platform: OpenedPlatform,
  actor: TActor,
  memberCode: string,
): Promise<TPullOutcome> {
  // Logs go to stderr: stdout carries the command's result (JSON with --json).
  const logger = pino(
    { level: config.logLevel, base: { service: 'alliage-cli' } },
    destination({ dest: 2, sync: true }),
  );
  const queue = createConfiguredQueue(config, logger);
  const processHere = queue.kind === 'in-process';
  const warehouse = processHere ? await openPool(config, platform, logger) : null;
  try {
    if (warehouse) {
      const handlers = createJobHandlers({
        intake: createIntakeDeps(config, platform, logger, warehouse),
        queue,
        selections: selectionSettings(config),
        push: { clientPrivateKey: platform.secrets.sshClientKey },
        dropFileRetentionDays: config.intake.dropFileRetentionDays,
        memberExportRetentionDays: config.intake.memberExportRetentionDays,
      });
      await queue.startWorker(handlers, { concurrency: config.worker.concurrency });
    }
    const deps = createPullDeps(config, platform, queue, logger);
    const result = await pullMemberFiles(deps, memberCode, actor);
    if (processHere) await queue.drain(DRAIN_TIMEOUT_MS);
    return { ...result, intake: processHere ? 'processed' : 'queued' };
  } finally {
    await queue.close();
    await warehouse?.close();
  }
}
