import { appendAuditEvent, SYSTEM_ACTOR } from '@alliage/control';
import { sshPublicKeyFromPrivate } from '@alliage/crypto';
import { isAppError } from '@alliage/domain';
import type { Command } from 'commander';
import { pino } from 'pino';
import { catchStopSignals } from '../catch-stop-signals.ts';
import { updateDataDirLock } from '../data-dir-lock.ts';
import { dropStoreIn, sftpRootIn } from '../data-dir-paths.ts';
import { EXIT_CHECK_FAILED } from '../exit-codes.ts';
import { ensureLocalOperatorToken } from '../local-operator.ts';
import { openPlatform } from '../open-platform.ts';
import { createOutput } from '../output.ts';
import { registerSettings } from '../register-settings.ts';
import { readPreviousPgpPublicKeys } from '../rotate-platform-pgp-key.ts';
import { loadConfigOrExit, reportError } from '../run-admin-command.ts';
import { secretWarningsTo } from '../secret-warnings-to.ts';
import type { Runtime } from '../start-runtime.ts';

const VERSION = '0.1.0';

/** `alliage serve`: the platform in one process: HTTP API, SFTP drop zone and a job worker. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the platform on the configured (default: embedded) back-ends')
    .action(async () => {
      const output = createOutput(false);
      const config = loadConfigOrExit(output);
      // Loaded here, not at the top: every one-shot command would load them too.
      const [
        { createApiApp, startApiServer },
        { enqueueDeliveryPush, enqueueFileDrop },
        { exitWhenPoolLost, selectionSettings, startRuntime },
      ] = await Promise.all([
        import('@alliage/api'),
        import('@alliage/worker'),
        import('../start-runtime.ts'),
      ]);
      const logger = pino({ level: config.logLevel, base: { service: 'alliage' } });
      // From the first moment: a signal during the start is handled once it is done.
      const signals = catchStopSignals();
      try {
        const warn = secretWarningsTo(logger);
        const platform = await openPlatform(config, { kind: 'serve', warn });
        await ensureLocalOperatorToken(platform.ctx, config.dataDir, { warn });
        const database = platform.control.kind;
        let server: { url: string; close(): Promise<void> } | null = null;
        let stopping = false;
        const stop = async (reason: string, exitCode: number, runtimeStopped?: Promise<void>) => {
          if (stopping) return;
          stopping = true;
          logger.info({ reason }, 'alliage stopping');
          await server?.close();
          await (runtimeStopped ?? runtime?.stop());
          await platform.close();
          process.exit(exitCode);
        };
        let runtime: Runtime | null = null;
        runtime = await startRuntime({
          config,
          platform,
          logger,
          worker: true,
          sftp: true,
          // Another process owns the pool now: nothing more may write it here.
          onPoolLost: exitWhenPoolLost(output, stop),
        });
        if (stopping) return;
        const queue = runtime.queue.kind;
        const sftpPort = runtime.sftpPort;
        const app = createApiApp({
          control: platform.ctx,
          platformKey: {
            ...platform.secrets.pgp,
            previousPublicKeys: readPreviousPgpPublicKeys(config.dataDir),
          },
          sshClientPublicKey: sshPublicKeyFromPrivate(platform.secrets.sshClientKey),
          hmacSecret: platform.secrets.hmacSecret,
          pullMemberFiles: runtime.pullMemberFiles,
          enqueueFileDrop: async (drop) => {
            await enqueueFileDrop(runtime.queue, drop);
          },
          pool: runtime.warehouse
            ? { warehouse: runtime.warehouse, countThreshold: config.pool.countThreshold }
            : null,
          selections: {
            settings: selectionSettings(config),
            enqueueDelivery: async (selectionId) => {
              await runtime.queue.enqueue(
                'delivery.build',
                { selectionId },
                { jobId: `delivery-${selectionId}` },
              );
            },
            enqueueDeliveryPush: async (deliveryId) => {
              await enqueueDeliveryPush(runtime.queue, deliveryId);
            },
          },
          register: registerSettings(config, () => runtime.warehouse),
          rights: {
            sftpRoot: sftpRootIn(config.dataDir),
            dropStore: dropStoreIn(config.dataDir),
          },
          http: config.http,
          health: () => ({
            version: VERSION,
            database,
            queue,
            sftpPort,
            encryptionAtRest: runtime.warehouse?.encryptionAtRest ?? false,
            ...(runtime.warehouse?.encryptionNote
              ? { encryptionNote: runtime.warehouse.encryptionNote }
              : {}),
          }),
          logger,
        });
        server = await startApiServer(app, {
          host: config.http.host,
          port: config.http.port,
        });
        if (platform.lock)
          updateDataDirLock(config.dataDir, { ...platform.lock.info, url: server.url });
        await appendAuditEvent(platform.ctx.db, platform.ctx.clock, {
          action: 'platform.started',
          actor: SYSTEM_ACTOR,
          details: {
            version: VERSION,
            database,
            queue,
            sftpPort,
            generatedSecrets: platform.secrets.generated,
            encryptionAtRest: runtime.warehouse?.encryptionAtRest ?? false,
          },
        });
        logger.info({ url: server.url, sftpPort, database, queue }, 'alliage started');
        process.stdout.write(
          `Alliage ${VERSION} is running: ${server.url} (health: ${server.url}/healthz; SFTP on ${config.sftp.host}:${sftpPort})\n`,
        );

        signals.ready((signal) => void stop(signal, 0));
      } catch (error) {
        if (isAppError(error)) {
          reportError(output, error.message, { code: error.code });
        } else {
          logger.error({ err: error }, 'start failed');
          reportError(output, 'start failed (see the log above)', {});
        }
        process.exit(EXIT_CHECK_FAILED);
      }
    });
}
